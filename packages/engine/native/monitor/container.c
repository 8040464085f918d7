/* berth-monitor: clone() the container's init (or an exec'd process) and
 * set it up to the point just before execve.
 *
 *   monitor                               child
 *   cgroups, sockets, pipes, seccomp
 *   clone3(new namespaces,                reset signals, close fds, join the
 *          CLONE_INTO_CGROUP on v2) ────▶ v1 cgroups ("0" > tasks),
 *                                         setns/unshare(cgroup), lo up, mounts,
 *                                         pivot_root, hostname, masked paths,
 *                                         user, pty, cwd, rlimits, caps, seccomp
 *   READY (+pty master) ◀──────────────── wait START
 *   START ──────────────────────────────▶ LookPath, execve
 *   EOF (CLOEXEC) or EXEC_FAILED ◀───────
 *
 * This file is the monitor's side; child.c the child's.
 */
#include "container.h"

#include "child.h"
#include "sync.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

void
ctx_init (struct berth_ctx *ctx)
{
  memset (ctx, 0, sizeof (*ctx));
  cgroup_init (&ctx->cg);
  ctx->child_sync = ctx->parent_sync = -1;
  ctx->child_stdin = ctx->child_stdout = ctx->child_stderr = -1;
  ctx->in_fd = ctx->out_fd = ctx->err_fd = ctx->pty_fd = -1;
  ctx->pidfd = -1;
  ctx->attach_lfd = ctx->ctl_lfd = -1;
  ctx->exec_rootfd = -1;
}

/* ---- monitor side ---------------------------------------------------- */

struct clone_args_v2
{
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* clone3 with a pidfd, straight into the v2 cgroup when we have one;
 * *into_cgroup tells whether cgroup.procs still needs writing. */
static pid_t
clone_child (uint64_t flags, int cgroup_fd, int *pidfd, bool *into_cgroup)
{
  struct clone_args_v2 args;
  memset (&args, 0, sizeof (args));
  args.flags = flags | CLONE_PIDFD;
  args.pidfd = (uint64_t) (uintptr_t) pidfd;
  args.exit_signal = SIGCHLD;
  if (cgroup_fd >= 0)
    {
      args.flags |= CLONE_INTO_CGROUP;
      args.cgroup = (uint64_t) cgroup_fd;
    }
  *into_cgroup = cgroup_fd >= 0;
  pid_t pid = syscall (SYS_clone3, &args, sizeof (args));
  if (pid >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL))
    return pid;
  /* old kernel (or filtered clone3): clone + pidfd_open, then cgroup.procs */
  *into_cgroup = false;
  pid = syscall (SYS_clone, (unsigned long) (flags | SIGCHLD), NULL, NULL, NULL, NULL);
  if (pid > 0)
    *pidfd = syscall (SYS_pidfd_open, pid, 0);
  return pid;
}

static int
make_stdio (struct berth_ctx *ctx, struct berth_err *err)
{
  struct berth_process *proc = ctx->proc;
  if (proc->terminal)
    return 0; /* the pty is made inside the container's devpts */
  int p[2];
  if (proc->open_stdin)
    {
      if (pipe2 (p, O_CLOEXEC) < 0)
        return make_err (err, errno, "pipe");
      ctx->child_stdin = p[0];
      ctx->in_fd = p[1];
    }
  else
    {
      ctx->child_stdin = open ("/dev/null", O_RDONLY | O_CLOEXEC);
      if (ctx->child_stdin < 0)
        return make_err (err, errno, "open `/dev/null`");
    }
  if (pipe2 (p, O_CLOEXEC) < 0)
    return make_err (err, errno, "pipe");
  ctx->out_fd = p[0];
  ctx->child_stdout = p[1];
  if (pipe2 (p, O_CLOEXEC) < 0)
    return make_err (err, errno, "pipe");
  ctx->err_fd = p[0];
  ctx->child_stderr = p[1];
  return 0;
}

static int
open_exec_namespaces (struct berth_ctx *ctx, struct berth_err *err)
{
  static const struct
  {
    const char *name;
    int flag;
  } order[] = {
    { "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
    { "net", CLONE_NEWNET },       { "pid", CLONE_NEWPID }, { "mnt", CLONE_NEWNS },
  };
  char p[64];
  snprintf (p, sizeof (p), "/proc/%d/root", ctx->target_pid);
  ctx->exec_rootfd = open (p, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (ctx->exec_rootfd < 0)
    return make_err (err, errno, "container process %d is not running: open `%s`", ctx->target_pid, p);
  for (size_t i = 0; i < sizeof (order) / sizeof (order[0]); i++)
    {
      char self[64];
      snprintf (p, sizeof (p), "/proc/%d/ns/%s", ctx->target_pid, order[i].name);
      snprintf (self, sizeof (self), "/proc/self/ns/%s", order[i].name);
      struct stat a, b;
      if (stat (p, &a) < 0)
        {
          if (errno == ENOENT && access ("/proc/self/ns", F_OK) == 0 && stat (self, &b) < 0)
            continue; /* kernel without this namespace type */
          return make_err (err, errno, "container process %d is not running: stat `%s`", ctx->target_pid, p);
        }
      if (stat (self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
        continue; /* shared with the host (e.g. --net=host) */
      int fd = open (p, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        return make_err (err, errno, "open `%s`", p);
      if (order[i].flag == CLONE_NEWPID)
        {
          /* affects our children only: the exec'd process lands in it */
          int r = setns (fd, CLONE_NEWPID);
          int e = errno;
          close (fd);
          if (r < 0)
            return make_err (err, e, "setns into the pid namespace of %d", ctx->target_pid);
          continue;
        }
      ctx->nsfds[ctx->nns] = fd;
      ctx->nsflags[ctx->nns] = order[i].flag;
      ctx->nns++;
    }
  return 0;
}

int
container_create (struct berth_ctx *ctx, struct berth_err *err)
{
  struct berth_process *proc = ctx->proc;
  uint64_t flags = 0;

  if (!ctx->exec_mode)
    {
      struct berth_config *cfg = &ctx->cfg;
      if (!ns_requested (cfg, CLONE_NEWNS, NULL))
        return make_err (err, 0, "a mount namespace is required");
      for (size_t i = 0; i < cfg->nns; i++)
        {
          int f = cfg->ns[i].flag;
          if (f == CLONE_NEWPID && cfg->ns[i].path)
            {
              cleanup_close int fd = open (cfg->ns[i].path, O_RDONLY | O_CLOEXEC);
              if (fd < 0)
                return make_err (err, errno, "open namespace `%s`", cfg->ns[i].path);
              if (setns (fd, CLONE_NEWPID) < 0)
                return make_err (err, errno, "setns `%s`", cfg->ns[i].path);
              continue;
            }
          if (cfg->ns[i].path || f == CLONE_NEWCGROUP)
            continue; /* joined / unshared by the child */
          if (f == 0x00000080 /* CLONE_NEWTIME */)
            return make_err (err, 0, "time namespaces are not supported");
          flags |= (uint64_t) f;
        }
    }

  if (!proc->privileged && seccomp_prepare (ctx->seccomp_json, ctx->seccomp_cache, &ctx->seccomp, err) < 0)
    return -1;

  if (!ctx->exec_mode && ctx->cfg.cgroups_path
      && cgroup_create (&ctx->cg, ctx->cfg.cgroups_path, &ctx->cfg.resources, err) < 0)
    return -1;

  ctx->attach_lfd = unix_listen (ctx->state_dir, "attach.sock", err);
  if (ctx->attach_lfd < 0)
    return -1;
  ctx->ctl_lfd = unix_listen (ctx->state_dir, "monitor.sock", err);
  if (ctx->ctl_lfd < 0)
    return -1;

  if (make_stdio (ctx, err) < 0)
    return -1;
  if (ctx->exec_mode && open_exec_namespaces (ctx, err) < 0)
    return -1;
  if (ctx->exec_mode && cgroup_load_like (&ctx->cg, ctx->target_pid, err) < 0)
    return -1;

  int sp[2];
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
    return make_err (err, errno, "socketpair");
  ctx->parent_sync = sp[0];
  ctx->child_sync = sp[1];

  int pidfd = -1;
  bool into_cgroup = false;
  pid_t pid = clone_child (flags, ctx->cg.v2_dirfd, &pidfd, &into_cgroup);
  if (pid < 0)
    return make_err (err, errno, "clone");
  if (pid == 0)
    {
      ctx->into_cgroup = into_cgroup;
      child_main (ctx);
    }

  ctx->pid = pid;
  ctx->pidfd = pidfd;
  close (ctx->child_sync);
  ctx->child_sync = -1;
  int *childfds[] = { &ctx->child_stdin, &ctx->child_stdout, &ctx->child_stderr };
  for (size_t i = 0; i < 3; i++)
    if (*childfds[i] >= 0)
      {
        close (*childfds[i]);
        *childfds[i] = -1;
      }
  for (size_t i = 0; i < ctx->nns; i++)
    close (ctx->nsfds[i]);
  ctx->nns = 0;
  if (ctx->exec_rootfd >= 0)
    close (ctx->exec_rootfd);
  ctx->exec_rootfd = -1;

  struct sync_msg msg;
  int master = -1;
  int r = sync_recv (ctx->parent_sync, &msg, &master);
  if (r < 0)
    return make_err (err, errno, "read from the container process");
  if (r == 0)
    return make_err (err, 0, "container process exited during setup");
  if (msg.type == SYNC_ERROR)
    return make_err_code (err, msg.code ? msg.code : BERTH_EXIT_INTERNAL, 0, "%s", msg.msg);
  if (msg.type != SYNC_READY)
    return make_err (err, 0, "unexpected message %d from the container process", msg.type);
  if (proc->terminal)
    {
      if (master < 0)
        return make_err (err, 0, "no pty master from the container process");
      ctx->pty_fd = master;
      ctx->out_fd = master;
      if (proc->open_stdin)
        {
          ctx->in_fd = fcntl (master, F_DUPFD_CLOEXEC, 3);
          if (ctx->in_fd < 0)
            return make_err (err, errno, "dup the pty master");
        }
    }
  else if (master >= 0)
    close (master);
  return 0;
}

int
container_start (struct berth_ctx *ctx, struct berth_err *err)
{
  if (sync_send (ctx->parent_sync, SYNC_START, NULL, -1) < 0)
    return make_err (err, errno, "signal the container process");
  struct sync_msg msg;
  int r = sync_recv (ctx->parent_sync, &msg, NULL);
  close (ctx->parent_sync);
  ctx->parent_sync = -1;
  if (r < 0)
    return make_err (err, errno, "read from the container process");
  if (r == 0)
    return 0; /* CLOEXEC closed the channel: execve succeeded */
  if (msg.type == SYNC_EXEC_FAILED || msg.type == SYNC_ERROR)
    return make_err_code (err, msg.code ? msg.code : BERTH_EXIT_CANNOT_EXEC, 0, "%s", msg.msg);
  return make_err (err, 0, "unexpected message %d from the container process", msg.type);
}

void
container_abort (struct berth_ctx *ctx)
{
  if (ctx->pid > 0)
    {
      kill (ctx->pid, SIGKILL);
      siginfo_t si;
      int r;
      do
        r = waitid (P_PID, ctx->pid, &si, WEXITED);
      while (r < 0 && errno == EINTR);
      ctx->pid = 0;
    }
  if (ctx->cg.enabled)
    cgroup_destroy (&ctx->cg);
  if (ctx->attach_lfd >= 0 || ctx->ctl_lfd >= 0)
    {
      char p[PATH_MAX];
      snprintf (p, sizeof (p), "%s/attach.sock", ctx->state_dir);
      if (ctx->attach_lfd >= 0)
        unlink (p);
      snprintf (p, sizeof (p), "%s/monitor.sock", ctx->state_dir);
      if (ctx->ctl_lfd >= 0)
        unlink (p);
    }
}
