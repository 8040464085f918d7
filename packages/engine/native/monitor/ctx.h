/* berth-monitor: the state of one run or exec, shared by the monitor side
 * (container.c) and the child side (child.c). */
#ifndef BERTH_CTX_H
#define BERTH_CTX_H

#include "cgroups.h"
#include "config.h"
#include "security.h"

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

#endif
