/* alloc_demo.h - lesson 3's demo (see alloc_demo.c). */
#ifndef ALLOC_DEMO_H
#define ALLOC_DEMO_H

void alloc_demo(void);

#endif
