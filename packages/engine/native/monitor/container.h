/* berth-monitor: creating the container's init (run) or a process inside a
 * running container (exec), up to the point just before execve: the
 * monitor's side (container.c). */
#ifndef BERTH_CONTAINER_H
#define BERTH_CONTAINER_H

#include "ctx.h"

void ctx_init (struct berth_ctx *ctx);
/* Everything up to "created": on failure nothing is left behind. */
int container_create (struct berth_ctx *ctx, struct berth_err *err);
/* Tell the child to execve; 0 when it did, else err (code 126/127/125). */
int container_start (struct berth_ctx *ctx, struct berth_err *err);
/* Kill and reap the child, remove cgroups and sockets (error paths). */
void container_abort (struct berth_ctx *ctx);

#endif
