/* berth-monitor: the child side, from clone() to execve: namespaces, the
 * rootfs, the user, the console, rlimits, capabilities and seccomp, then
 * exec.LookPath and execve (or the berth.init reaper). Failures travel to
 * the monitor over the sync socket as {code, msg}. */
#include "child.h"

#include "exec.h"
#include "init.h"
#include "mounts.h"
#include "sync.h"
#include "user.h"

#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

static void
close_range_compat (unsigned int from, unsigned int to)
{
  if (syscall (SYS_close_range, from, to, 0) == 0 || errno != ENOSYS)
    return;
  /* before Linux 5.9 */
  long max = sysconf (_SC_OPEN_MAX);
  for (long fd = from; fd <= (long) to && fd < max; fd++)
    close ((int) fd);
}

static void
close_fds_except (const int *keep, size_t n)
{
  /* sort the (few) fds to keep, then close the gaps */
  int k[16];
  size_t nk = 0;
  for (size_t i = 0; i < n && nk < 16; i++)
    if (keep[i] >= 3)
      k[nk++] = keep[i];
  for (size_t i = 1; i < nk; i++)
    for (size_t j = i; j > 0 && k[j - 1] > k[j]; j--)
      {
        int t = k[j];
        k[j] = k[j - 1];
        k[j - 1] = t;
      }
  unsigned int from = 3;
  for (size_t i = 0; i < nk; i++)
    {
      if ((unsigned) k[i] > from)
        close_range_compat (from, (unsigned) k[i] - 1);
      if ((unsigned) k[i] + 1 > from)
        from = k[i] + 1;
    }
  close_range_compat (from, ~0U);
}

static int
lo_up (struct berth_err *err)
{
  cleanup_close int s = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return make_err (err, errno, "socket");
  struct ifreq ifr;
  memset (&ifr, 0, sizeof (ifr));
  strcpy (ifr.ifr_name, "lo");
  if (ioctl (s, SIOCGIFFLAGS, &ifr) < 0)
    return make_err (err, errno, "get flags of `lo`");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl (s, SIOCSIFFLAGS, &ifr) < 0)
    return make_err (err, errno, "bring up `lo`");
  return 0;
}

static int
child_setup_run (struct berth_ctx *ctx, struct berth_err *err)
{
  struct berth_config *cfg = &ctx->cfg;
  for (size_t i = 0; i < cfg->nns; i++)
    {
      if (cfg->ns[i].path == NULL || cfg->ns[i].flag == CLONE_NEWPID)
        continue;
      cleanup_close int fd = open (cfg->ns[i].path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        return make_err (err, errno, "open namespace `%s`", cfg->ns[i].path);
      if (setns (fd, cfg->ns[i].flag) < 0)
        return make_err (err, errno, "setns `%s`", cfg->ns[i].path);
    }
  const char *path = NULL;
  /* after the monitor put us in our cgroups, so that is the namespace's root */
  if (ns_requested (cfg, CLONE_NEWCGROUP, &path) && path == NULL && unshare (CLONE_NEWCGROUP) < 0)
    return make_err (err, errno, "unshare the cgroup namespace");
  if (ns_requested (cfg, CLONE_NEWNET, &path) && path == NULL && lo_up (err) < 0)
    return -1;
  if (mounts_setup_rootfs (cfg, &ctx->cg, err) < 0)
    return -1;
  if (mounts_pivot_root (cfg->root_path, err) < 0)
    return -1;
  if (cfg->hostname)
    {
      if (!ns_requested (cfg, CLONE_NEWUTS, NULL))
        return make_err (err, 0, "unable to set hostname without a private UTS namespace");
      if (sethostname (cfg->hostname, strlen (cfg->hostname)) < 0)
        return make_err (err, errno, "sethostname `%s`", cfg->hostname);
    }
  if (mounts_finalize (cfg, err) < 0)
    return -1;
  return 0;
}

static int
child_setup_exec (struct berth_ctx *ctx, struct berth_err *err)
{
  for (size_t i = 0; i < ctx->nns; i++)
    if (setns (ctx->nsfds[i], ctx->nsflags[i]) < 0)
      return make_err (err, errno, "setns into the container (%#x)", ctx->nsflags[i]);
  if (ctx->exec_rootfd >= 0)
    {
      if (fchdir (ctx->exec_rootfd) < 0)
        return make_err (err, errno, "fchdir to the container's root");
      if (chroot (".") < 0)
        return make_err (err, errno, "chroot to the container's root");
      if (chdir ("/") < 0)
        return make_err (err, errno, "chdir to `/`");
    }
  return 0;
}

static int
setup_console (struct berth_ctx *ctx, struct berth_process *proc, int *master_out, struct berth_err *err)
{
  cleanup_close int master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    master = open ("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return make_err (err, errno, "open `/dev/ptmx`");
  int unlock = 0;
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return make_err (err, errno, "unlockpt");
  int ptn = -1;
  if (ioctl (master, TIOCGPTN, &ptn) < 0)
    return make_err (err, errno, "ptsname");
  char slave_path[64];
  snprintf (slave_path, sizeof (slave_path), "/dev/pts/%d", ptn);
  cleanup_close int slave = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    slave = open (slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return make_err (err, errno, "open `%s`", slave_path);
  if (proc->rows || proc->cols)
    {
      struct winsize ws = { .ws_row = proc->rows, .ws_col = proc->cols };
      if (ioctl (slave, TIOCSWINSZ, &ws) < 0)
        return make_err (err, errno, "set the console size");
    }
  if (!ctx->exec_mode && mounts_bind_console (slave_path, err) < 0)
    return -1;
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return make_err (err, errno, "make `%s` the controlling terminal", slave_path);
  for (int i = 0; i < 3; i++)
    if (dup2 (slave, i) < 0)
      return make_err (err, errno, "dup2 the console");
  *master_out = steal_fd (&master);
  return 0;
}

static int
child_finish (struct berth_ctx *ctx, struct berth_user *u, char ***envp, int *master, struct berth_err *err)
{
  struct berth_process *proc = ctx->proc;
  if (user_resolve (proc->user_spec, proc->uid, proc->gid, proc->additional_gids, proc->n_additional_gids, u, err)
      < 0)
    return -1;

  /* HOME from passwd unless the config has one, as runc does */
  size_t n = proc->nenv;
  char **env = xmalloc0 ((n + 2) * sizeof (char *));
  memcpy (env, proc->env, n * sizeof (char *));
  if (env_get (proc->env, "HOME") == NULL)
    xasprintf (&env[n++], "HOME=%s", u->home[0] ? u->home : "/");
  env[n] = NULL;
  *envp = env;

  if (proc->terminal && setup_console (ctx, proc, master, err) < 0)
    return -1;

  if (!ctx->exec_mode)
    mounts_make_cwd (proc->cwd);
  if (chdir (proc->cwd) < 0)
    return make_err (err, errno, "chdir to cwd (\"%s\") set in config.json failed", proc->cwd);

  if (rlimits_apply (proc, err) < 0)
    return -1;
  if (oom_score_adj_apply (proc, err) < 0)
    return -1;

  struct berth_caps caps = proc->caps;
  if (proc->privileged)
    {
      caps.given = true;
      caps.bounding = caps.effective = caps.permitted = caps.inheritable = caps_all ();
      caps.ambient = 0;
    }
  /* without no_new_privs, loading a filter needs CAP_SYS_ADMIN: do it first */
  if (!proc->no_new_privs && seccomp_apply (&ctx->seccomp, err) < 0)
    return -1;
  if (caps_apply_bounding (&caps, err) < 0)
    return -1;
  if (set_user (u->uid, u->gid, u->groups, u->ngroups, err) < 0)
    return -1;
  if (caps_apply (&caps, err) < 0)
    return -1;
  if (proc->no_new_privs && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return make_err (err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
  if (proc->no_new_privs && seccomp_apply (&ctx->seccomp, err) < 0)
    return -1;
  umask (proc->has_umask ? proc->umask : 022);
  return 0;
}

void
child_main (struct berth_ctx *ctx)
{
  struct berth_err err;
  memset (&err, 0, sizeof (err));
  int sync = ctx->child_sync;
  struct sync_msg msg;

  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      signal (s, SIG_DFL);
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
  umask (022);

  if (!ctx->proc->terminal)
    {
      if (dup2 (ctx->child_stdin, 0) < 0 || dup2 (ctx->child_stdout, 1) < 0 || dup2 (ctx->child_stderr, 2) < 0)
        {
          make_err (&err, errno, "dup2 stdio");
          goto fail;
        }
    }
  {
    int keep[12];
    size_t nk = 0;
    keep[nk++] = sync;
    for (size_t i = 0; i < ctx->nns; i++)
      keep[nk++] = ctx->nsfds[i];
    keep[nk++] = ctx->exec_rootfd;
    close_fds_except (keep, nk);
  }

  if (cgroup_enter_self (&ctx->cg, ctx->into_cgroup, &err) < 0)
    goto fail;
  if (setsid () < 0)
    {
      make_err (&err, errno, "setsid");
      goto fail;
    }
  if ((ctx->exec_mode ? child_setup_exec (ctx, &err) : child_setup_run (ctx, &err)) < 0)
    goto fail;

  struct berth_user user;
  char **env = NULL;
  int master = -1;
  if (child_finish (ctx, &user, &env, &master, &err) < 0)
    goto fail;
  if (sync_send (sync, SYNC_READY, NULL, master) < 0)
    _exit (1);
  if (master >= 0)
    close (master);

  if (sync_recv (sync, &msg, NULL) <= 0 || msg.type != SYNC_START)
    _exit (1);
  char path[PATH_MAX];
  if (lookpath (ctx->proc->args[0], ctx->proc->env, path, sizeof (path), &err) < 0)
    {
      sync_send (sync, SYNC_EXEC_FAILED, &err, -1);
      _exit (err.code);
    }
  if (ctx->proc->init && !ctx->exec_mode)
    init_reaper_exec (path, ctx->proc->args, env, sync, ctx->proc->terminal);
  exec_or_report (path, ctx->proc->args, env, sync);

fail:
  sync_send (sync, SYNC_ERROR, &err, -1);
  _exit (1);
}

