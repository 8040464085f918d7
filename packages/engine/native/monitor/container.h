/* berth-monitor: creating the container's init (run) or a process inside a
 * running container (exec), up to the point just before execve. */
#ifndef BERTH_CONTAINER_H
#define BERTH_CONTAINER_H

#include "cgroups.h"
#include "config.h"
#include "security.h"

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

struct berth_ctx
{
  bool exec_mode;
  const char *bundle;
  const char *state_dir; /* bundle (run) or exec dir (exec) */
  struct berth_config cfg; /* run: config.json */
  struct berth_process *proc;
  json_t *exec_json;
  json_t *seccomp_json;
  const char *seccomp_cache; /* berth.seccomp-cache */
  struct berth_seccomp seccomp;
  pid_t target_pid; /* exec: the container's init */
  struct berth_cgroup cg;

  int child_sync, parent_sync;
  int child_stdin, child_stdout, child_stderr; /* -1 with a terminal */
  int in_fd, out_fd, err_fd, pty_fd;          /* the monitor's ends */
  pid_t pid;
  int pidfd;
  bool into_cgroup; /* clone3 placed the child in its v2 cgroup */
  int attach_lfd, ctl_lfd;
  const char *log_path;

  /* exec: namespaces to join in the child, in order (mount last), and its root */
  int nsfds[8];
  int nsflags[8];
  size_t nns;
  int exec_rootfd;
};

void ctx_init (struct berth_ctx *ctx);
/* Everything up to "created": on failure nothing is left behind. */
int container_create (struct berth_ctx *ctx, struct berth_err *err);
/* Tell the child to execve; 0 when it did, else err (code 126/127/125). */
int container_start (struct berth_ctx *ctx, struct berth_err *err);
/* Kill and reap the child, remove cgroups and sockets (error paths). */
void container_abort (struct berth_ctx *ctx);

/* child.c: runs in the cloned child; never returns */
__attribute__ ((noreturn)) void child_main (struct berth_ctx *ctx);
/* child side helpers shared with init.c */
__attribute__ ((noreturn)) void exec_or_report (const char *path, char **argv, char **envp, int sync_fd);
__attribute__ ((noreturn)) void init_reaper_exec (const char *path, char **argv, char **envp, int sync_fd,
                                                  bool terminal);

#endif
