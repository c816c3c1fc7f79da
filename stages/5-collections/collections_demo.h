/* collections_demo.h - lesson 5's demo (see collections_demo.c). */
#ifndef COLLECTIONS_DEMO_H
#define COLLECTIONS_DEMO_H

void collections_demo(void);

#endif
