/* paging_demo.h - lesson 2's demo (see paging_demo.c). */
#ifndef PAGING_DEMO_H
#define PAGING_DEMO_H

#include "kernel.h"

void paging_demo(const struct boot_info *boot);

#endif
