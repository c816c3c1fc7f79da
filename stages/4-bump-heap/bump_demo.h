/* bump_demo.h - lesson 4's demo (see bump_demo.c). */
#ifndef BUMP_DEMO_H
#define BUMP_DEMO_H

void bump_demo(void);

#endif
