/* berth-monitor: the child side, from clone() to execve (child.c). */
#ifndef BERTH_CHILD_H
#define BERTH_CHILD_H

#include "ctx.h"

/* Runs in the cloned child; never returns. */
__attribute__ ((noreturn)) void child_main (struct berth_ctx *ctx);

#endif
