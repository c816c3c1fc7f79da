/*
 * multiboot2.h - reading the boot information a Multiboot2 boot loader
 * (GRUB, QEMU via GRUB, ...) leaves for the kernel.
 *
 * On entry the loader puts MB2_BOOTLOADER_MAGIC in eax and the physical
 * address of the boot information in ebx.  The structure is 8-byte aligned:
 *
 *   offset  +-------------------------------+
 *        0  | u32 total_size | u32 reserved |  fixed part; total_size counts
 *           +-------------------------------+  everything, end tag included
 *        8  | u32 type       | u32 size     |  tag: size counts its 8-byte
 *           | ...size - 8 bytes of data...  |  header and data, not padding
 *           | (zero padding to 8 bytes)     |
 *           +-------------------------------+
 *           | next tag, at an 8-aligned     |  next = offset
 *           | offset ...                    |         + round_up(size, 8)
 *           +-------------------------------+
 *           | type 0         | size 8       |  end tag: the last 8 bytes
 *           +-------------------------------+  total_size
 *
 * The tags this parser reads (all others are skipped, as the specification
 * asks):
 *
 *   type 1  command line       u32 type, u32 size, NUL-terminated string
 *   type 2  boot loader name   u32 type, u32 size, NUL-terminated string
 *   type 6  memory map         u32 type, u32 size, u32 entry_size,
 *                              u32 entry_version, then entries of
 *                              entry_size bytes each:
 *
 *              0        8        16       20       entry_size
 *              +--------+--------+--------+--------+- - - - - -+
 *              |  base  | length |  type  |reserved| (future)  |
 *              |  u64   |  u64   |  u32   |  u32   |           |
 *              +--------+--------+--------+--------+- - - - - -+
 *
 *   type 8  framebuffer        what the screen is, as the loader left it:
 *
 *              0      8        16     20     24      28  29  30   32
 *              +------+--------+------+------+-------+---+---+----+
 *              | type | addr   |pitch |width |height |bpp|fbt|rsvd|
 *              | size | u64    | u32  | u32  | u32   |u8 |u8 |u16 |
 *              +------+--------+------+------+-------+---+---+----+
 *              fbt 1 (direct RGB) goes on at 32 with six u8: red
 *              position, red size, green position, green size, blue
 *              position, blue size (bits of a pixel); fbt 2 is EGA text
 *              (width x height cells of two bytes at addr).
 *
 *           The specification's text calls the reserved field a u8,
 *           which would put the colours at 31; its own multiboot2.h and
 *           GRUB, which writes the tag, make it a u16.  What the loader
 *           writes is what counts: 32.
 *
 * mb2_parse() trusts nothing: it checks every size against the bytes it was
 * told it may read before reading them, and only a structure that passes
 * every check is described in a struct mb2_info.  The accessors below then
 * read the buffer without further checks.
 */
#ifndef MULTIBOOT2_H
#define MULTIBOOT2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value a Multiboot2 loader leaves in eax. */
#define MB2_BOOTLOADER_MAGIC 0x36d76289

/* Tag types this parser knows. */
enum {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_BOOTLOADER_NAME = 2,
	MB2_TAG_MMAP = 6,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_EFI32 = 11, /* the UEFI system table's address: given by a */
	MB2_TAG_EFI64 = 12, /* loader that booted on UEFI, so it says that */
};

/*
 * Why mb2_parse() refused a structure: one value per broken rule, so a test
 * (or a boot message) says exactly what was wrong.
 */
enum mb2_error {
	MB2_OK = 0,
	MB2_ERR_NULL,		      /* buf is NULL */
	MB2_ERR_MISALIGNED,	      /* buf is not 8-byte aligned */
	MB2_ERR_AVAIL_TOO_SMALL,      /* avail < 8: no room for total_size */
	MB2_ERR_TOTAL_SIZE_TOO_SMALL, /* total_size < 16 (fixed part + end) */
	MB2_ERR_TOTAL_SIZE_TOO_BIG,   /* total_size > avail */
	MB2_ERR_TAG_HEADER_TRUNCATED, /* fewer than 8 bytes left for a tag */
	MB2_ERR_TAG_TOO_SMALL,	      /* a tag's size < 8 */
	MB2_ERR_TAG_OVERRUNS,	      /* a tag runs past total_size */
	MB2_ERR_MISSING_END_TAG,      /* tags stop before an end tag */
	MB2_ERR_BAD_END_TAG,	      /* type 0 with a size other than 8 */
	MB2_ERR_DATA_AFTER_END,	      /* total_size goes past the end tag */
	MB2_ERR_DUPLICATE_TAG,	      /* a second cmdline, name or mmap */
	MB2_ERR_STRING_UNTERMINATED,  /* no NUL inside a string tag */
	MB2_ERR_MMAP_TOO_SMALL,	      /* mmap tag shorter than 16 bytes */
	MB2_ERR_MMAP_BAD_ENTRY_SIZE,  /* entry_size < 24 or not 8-aligned */
	MB2_ERR_MMAP_SIZE_MISMATCH,   /* entries do not fill the tag */
	MB2_ERR_FB_TOO_SMALL,	      /* framebuffer tag shorter than its
					 fields (32 bytes; 38 if RGB) */
	/* Not parse errors: reported by consumers of a parsed info. */
	MB2_ERR_NO_MMAP,	  /* the info has no memory map */
	MB2_ERR_TOO_MANY_REGIONS, /* the map does not fit a fixed table */
};

/* A human-readable description of an error, for messages; never NULL. */
const char *mb2_error_str(enum mb2_error err);

/* Memory map entry types.  The specification: any other value is reserved. */
enum {
	MB2_MEM_AVAILABLE = 1,
	MB2_MEM_RESERVED = 2,
	MB2_MEM_ACPI_RECLAIMABLE = 3,
	MB2_MEM_NVS = 4,
	MB2_MEM_BADRAM = 5,
};

/*
 * "available", "reserved", "ACPI reclaimable", "ACPI NVS", "bad RAM", or
 * "type N" for any other value.  The "type N" text lives in one static
 * buffer that the next call for an unknown type overwrites.
 */
const char *mb2_mem_type_name(uint32_t type);

/*
 * A memory map entry, copied out of the buffer (whose entries may be longer
 * than this, and are read without alignment assumptions).  The region is
 * [base, base + length); base + length may wrap past 2^64 in a corrupt or
 * hostile map, and consumers must clamp it.
 */
struct mb2_mmap_entry {
	uint64_t base;
	uint64_t length;
	uint32_t type;
};

/* Framebuffer types (the tag's framebuffer_type). */
enum {
	MB2_FB_INDEXED = 0,
	MB2_FB_RGB = 1,
	MB2_FB_EGA_TEXT = 2,
};

/*
 * The framebuffer tag, copied out.  For EGA text, width and height count
 * cells and bpp is 16; for RGB they count pixels, and a pixel's colour c
 * (0 .. 2^size - 1) of each primary sits at bits [pos, pos + size).  The
 * colour fields are zero unless type is MB2_FB_RGB.
 */
struct mb2_framebuffer {
	uint64_t addr;	/* physical */
	uint32_t pitch; /* bytes from one row to the next */
	uint32_t width, height;
	uint8_t bpp, type;
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

/* A width x height screen of 32-bit pixels, blue in the low byte (what
 * OVMF gives), as GRUB describes it: for a test that makes a framebuffer
 * of its own in memory. */
static inline struct mb2_framebuffer
mb2_framebuffer_bgrx(uint64_t addr, uint32_t width, uint32_t height)
{
	return (struct mb2_framebuffer){
		.addr = addr,
		.pitch = width * 4,
		.width = width,
		.height = height,
		.bpp = 32,
		.type = MB2_FB_RGB,
		.red_pos = 16,
		.red_size = 8,
		.green_pos = 8,
		.green_size = 8,
		.blue_pos = 0,
		.blue_size = 8,
	};
}

/*
 * What mb2_parse() found.  Every pointer points into the parsed buffer, so
 * the buffer must outlive the info (and stay unmodified).  Invariants after
 * a successful parse:
 *   - [start, start + total_size) was inside the readable bytes;
 *   - cmdline and bootloader_name are NULL when their tag is absent, else
 *     a NUL-terminated string lying entirely inside its tag;
 *   - mmap_entries is NULL (and mmap_entry_size, mmap_count 0) when there is
 *     no memory map tag; else mmap_count entries of mmap_entry_size bytes
 *     each (a multiple of 8, at least 24) lie inside the mmap tag.
 */
struct mb2_info {
	const void *start;
	size_t total_size;
	const char *cmdline;
	const char *bootloader_name;
	const void *mmap_entries;
	size_t mmap_entry_size;
	size_t mmap_count;
	bool has_framebuffer; /* the tag was there; then framebuffer holds it */
	bool booted_on_uefi;  /* an EFI system table tag was there */
	struct mb2_framebuffer framebuffer;
};

/*
 * Parses the boot information at buf, of which `avail` bytes are known to be
 * readable.  Host tests pass the exact length of their buffer; the kernel,
 * which learns the size only from the structure itself, passes the number
 * of bytes it has mapped at buf.  No byte at or beyond buf + avail is read.
 *
 * Returns MB2_OK and fills *out, or returns the error for the first broken
 * rule found and leaves *out untouched.  Decisions where the specification
 * leaves room:
 *   - the reserved field of the fixed part is ignored (the specification
 *     says it "must be ignored by OS image");
 *   - total_size must end exactly at the end tag: bytes after it are
 *     refused (MB2_ERR_DATA_AFTER_END), since nothing may follow the end;
 *   - a second command line, boot loader name, memory map or framebuffer
 *     tag is refused
 *     (MB2_ERR_DUPLICATE_TAG) rather than guessing which one is meant;
 *   - an EFI system table tag (type 11 or 12) is read only for being
 *     there: it says the firmware is UEFI, which has no VGA text mode;
 *   - a framebuffer tag of any type is accepted once its fields fit; which
 *     kinds of screen to draw on is the console's decision, not the
 *     parser's;
 *   - the mmap entry_version is ignored: newer versions only append fields
 *     (entry_size says how long an entry really is);
 *   - unknown tag types are skipped, whatever their contents.
 */
enum mb2_error mb2_parse(const void *buf, size_t avail, struct mb2_info *out);

/*
 * Copies memory map entry i into *out.  Returns false (and leaves *out
 * untouched) if i >= info->mmap_count.  info must come from a successful
 * mb2_parse().
 */
bool mb2_mmap_get(const struct mb2_info *info, size_t i,
		  struct mb2_mmap_entry *out);

#endif
