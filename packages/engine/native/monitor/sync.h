/* berth-monitor: the sync channel between the monitor and the child it
 * cloned (sync.c). */
#ifndef BERTH_SYNC_H
#define BERTH_SYNC_H

#include "berth.h"

/* Monitor ⇄ child messages over a SOCK_SEQPACKET pair. A successful execve
 * closes the child's (CLOEXEC) end: the monitor reads EOF. */
enum sync_type
{
  SYNC_READY = 2,     /* child → monitor: set up; carries the pty master if any */
  SYNC_ERROR,       /* child → monitor: setup failed (code, msg) */
  SYNC_START,       /* monitor → child: execve now */
  SYNC_EXEC_FAILED, /* child → monitor: lookup/execve failed (code 126/127, msg) */
};

struct sync_msg
{
  int32_t type;
  int32_t code;
  char msg[3000];
};

int sync_send (int fd, int type, const struct berth_err *err, int pass_fd);
/* Returns 0 on EOF, 1 with a message; *fd gets a passed fd or -1. */
int sync_recv (int fd, struct sync_msg *msg, int *pass_fd);

#endif
