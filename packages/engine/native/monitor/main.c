/* berth-monitor: entry point and the fd-3 protocol with berthd.
 *
 *   berth-monitor run <bundle-dir> [--forward FD=ADDR:PORT]...
 *   berth-monitor exec --pid N <bundle-dir> <exec-dir>
 *
 * --forward: fd FD (inherited from berthd) is a published port's host
 * socket, TCP listening or UDP bound; the monitor serves it, forwarding to
 * the container's ADDR:PORT ([ADDR]:PORT for IPv6), until the container
 * exits (proxy.h).
 *
 * fd 3 (a socketpair from berthd) carries JSON lines:
 *   → {"t":"created","pid":N}            init set up (namespaces, cgroups, mounts,
 *                                         user, caps, seccomp), blocked before execve;
 *                                         attach.sock and monitor.sock already listen
 *   → {"t":"error","code":125,"msg":...}  setup failed; nothing left behind; exit 1
 *   ← {"t":"start"}                       (fd 3 closed instead: init killed, cleanup, exit 1)
 *   → {"t":"started"}                     execve succeeded; we close fd 3 and become
 *                                         the container's monitor (monitor.c)
 *   → {"t":"exec-failed","code":126|127,"msg":...}  Docker's texts; init gone; exit 1
 *   → {"t":"spec-error","code":128,"msg":...}  (instead of "error") the config names a user
 *                                         or group the container lacks; exit 1
 *
 * <state-dir> is the bundle (run) or the exec dir (exec):
 *   attach.sock   output frames [stream,0,0,0,len BE32]+data to every client;
 *                 stdin frames [0,0,0,0,len BE32]+data from any, len 0 = EOF
 *                 (closes stdin with berth.stdin-once). Clients connected before
 *                 "start" see all output.
 *   monitor.sock  JSON lines: → {"t":"running","pid":N} on connect;
 *                 ← {"t":"resize","h":rows,"w":cols}, {"t":"close-stdin"};
 *                 → {"t":"exit","code":N,"signal":S,"oom":B,"finishedAt":T} at the end
 *   exit.json     {"code":N,"signal":S,"oom":B,"finishedAt":T}, written atomically
 *                 once the output is in the log and cgroups and sockets are gone.
 * The monitor then exits 0. SIGTERM, SIGHUP and SIGPIPE are ignored. */
#include "container.h"
#include "monitor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#define CTL_FD 3

static void
usage (void)
{
  fputs ("usage: berth-monitor run <bundle-dir> [--forward FD=ADDR:PORT]...\n"
         "       berth-monitor exec --pid N <bundle-dir> <exec-dir>\n",
         stderr);
}

/* The message type a failure with this exit code is reported as. */
static const char *
failure_type (int code)
{
  if (code == BERTH_EXIT_CANNOT_EXEC || code == BERTH_EXIT_NOT_FOUND)
    return "exec-failed";
  return code == BERTH_EXIT_SPEC ? "spec-error" : "error";
}

static void
send_line (const char *t, int code, const char *msg, pid_t pid)
{
  struct strbuf sb = { 0 };
  sb_printf (&sb, "{\"t\":\"%s\"", t);
  if (pid > 0)
    sb_printf (&sb, ",\"pid\":%d", pid);
  if (msg)
    {
      sb_printf (&sb, ",\"code\":%d,\"msg\":", code);
      sb_json_string (&sb, msg, strlen (msg));
    }
  sb_puts (&sb, "}\n");
  write_all (CTL_FD, sb.buf, sb.len);
  sb_free (&sb);
}

/* Block until berthd says {"t":"start"}; false if it hung up first. */
static bool
wait_for_start (void)
{
  char buf[4096];
  size_t len = 0;
  for (;;)
    {
      if (len == sizeof (buf))
        len = 0;
      ssize_t n = read (CTL_FD, buf + len, sizeof (buf) - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return false;
      len += n;
      char *start = buf, *nl;
      while ((nl = memchr (start, '\n', len - (start - buf))) != NULL)
        {
          json_error_t jerr;
          json_t *msg = json_loadb (start, nl - start, 0, &jerr);
          const char *t = msg ? json_string_value (json_object_get (msg, "t")) : NULL;
          bool is_start = t && strcmp (t, "start") == 0;
          if (msg)
            json_decref (msg);
          if (is_start)
            return true;
          start = nl + 1;
        }
      memmove (buf, start, len - (start - buf));
      len -= start - buf;
    }
}

static void
ensure_std_fds (void)
{
  for (int fd = 0; fd < 3; fd++)
    if (fcntl (fd, F_GETFD) < 0)
      {
        int n = open ("/dev/null", O_RDWR);
        if (n >= 0 && n != fd)
          {
            dup2 (n, fd);
            close (n);
          }
      }
}

static int
load_exec (struct berth_ctx *ctx, const char *exec_dir, json_t **bundle_json, struct berth_err *err)
{
  cleanup_free char *p = NULL;
  xasprintf (&p, "%s/process.json", exec_dir);
  static struct berth_process proc;
  if (process_load (p, &ctx->exec_json, &proc, &ctx->seccomp_json, err) < 0)
    return -1;
  ctx->proc = &proc;
  ctx->seccomp_cache = json_string_value (json_object_get (json_object_get (ctx->exec_json, "annotations"), "berth.seccomp-cache"));
  if (ctx->seccomp_json == NULL && !proc.privileged)
    {
      /* the container's own filter applies to its execs too */
      cleanup_free char *cp = NULL;
      xasprintf (&cp, "%s/config.json", ctx->bundle);
      json_error_t jerr;
      *bundle_json = json_load_file (cp, 0, &jerr);
      if (*bundle_json == NULL)
        return make_err (err, 0, "cannot parse `%s`: %s", cp, jerr.text);
      json_t *sc = json_object_get (json_object_get (*bundle_json, "linux"), "seccomp");
      ctx->seccomp_json = json_is_object (sc) ? sc : NULL;
      if (ctx->seccomp_cache == NULL)
        ctx->seccomp_cache = json_string_value (
            json_object_get (json_object_get (*bundle_json, "annotations"), "berth.seccomp-cache"));
    }
  return 0;
}

int
main (int argc, char **argv)
{
  ensure_std_fds ();
  signal (SIGTERM, SIG_IGN); /* SIGTERM to the monitor must not take the container down */
  signal (SIGPIPE, SIG_IGN);
  signal (SIGHUP, SIG_IGN);

  struct berth_ctx ctx;
  ctx_init (&ctx);
  const char *exec_dir = NULL;
  int nforward = 0;
  if (argc >= 3 && strcmp (argv[1], "run") == 0)
    {
      ctx.bundle = argv[2];
      for (int i = 3; i < argc; i += 2, nforward++)
        if (i + 1 >= argc || strcmp (argv[i], "--forward") != 0)
          {
            usage ();
            return 2;
          }
    }
  else if (argc == 6 && strcmp (argv[1], "exec") == 0 && strcmp (argv[2], "--pid") == 0)
    {
      ctx.exec_mode = true;
      ctx.target_pid = (pid_t) atoi (argv[3]);
      ctx.bundle = argv[4];
      exec_dir = argv[5];
      if (ctx.target_pid <= 0)
        {
          usage ();
          return 2;
        }
    }
  else
    {
      usage ();
      return 2;
    }
  if (fcntl (CTL_FD, F_GETFD) < 0)
    {
      fputs ("berth-monitor: fd 3 must be the connection to berthd\n", stderr);
      return 2;
    }
  set_cloexec (CTL_FD, true);

  struct berth_err err;
  memset (&err, 0, sizeof (err));
  json_t *bundle_json = NULL;
  struct monitor m;
  memset (&m, 0, sizeof (m));
  m.log.fd = -1;
  for (int i = 0; i < nforward; i++)
    if (proxy_add (&m.proxy, argv[4 + 2 * i], &err) < 0)
      goto fail;

  if (!ctx.exec_mode)
    {
      if (config_load (ctx.bundle, &ctx.cfg, &err) < 0)
        goto fail;
      ctx.proc = &ctx.cfg.process;
      ctx.seccomp_json = ctx.cfg.seccomp;
      ctx.seccomp_cache = ctx.cfg.seccomp_cache;
      ctx.state_dir = ctx.bundle;
      ctx.log_path = ctx.cfg.log_path;
    }
  else
    {
      if (load_exec (&ctx, exec_dir, &bundle_json, &err) < 0)
        goto fail;
      ctx.state_dir = exec_dir;
    }
  /* an exit.json from an earlier life of this dir would lie */
  {
    char p[4096];
    snprintf (p, sizeof (p), "%s/exit.json", ctx.state_dir);
    unlink (p);
  }
  if (logger_open (&m.log, ctx.log_path, &err) < 0)
    goto fail;
  if (!ctx.exec_mode)
    logger_set_rotation (&m.log, ctx.cfg.log_max_size, ctx.cfg.log_max_file, ctx.cfg.log_compress);
  if (container_create (&ctx, &err) < 0)
    goto fail;

  send_line ("created", 0, NULL, ctx.pid);
  if (!wait_for_start ())
    {
      /* berthd went away (or changed its mind) before start */
      container_abort (&ctx);
      return 1;
    }

  m.pid = ctx.pid;
  m.pidfd = ctx.pidfd;
  m.out_fd = ctx.out_fd;
  m.err_fd = ctx.err_fd;
  m.pty_fd = ctx.pty_fd;
  m.in_fd = ctx.in_fd;
  m.terminal = ctx.proc->terminal;
  m.stdin_once = ctx.proc->stdin_once;
  m.attach_lfd = ctx.attach_lfd;
  m.ctl_lfd = ctx.ctl_lfd;
  m.state_dir = ctx.state_dir;
  m.cg = &ctx.cg;
  if (monitor_init (&m, &err) < 0)
    goto fail;
  monitor_accept_pending (&m);

  if (container_start (&ctx, &err) < 0)
    {
      send_line (failure_type (err.code), err.code, err.msg, 0);
      container_abort (&ctx);
      return 1;
    }
  send_line ("started", 0, NULL, 0);

  /* from here on nobody reads our stdio, and berthd may be gone */
  close (CTL_FD);
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0)
    {
      dup2 (null, 0);
      dup2 (null, 1);
      dup2 (null, 2);
      close (null);
    }

  /* returns once the exit is recorded, cgroups and sockets are gone */
  monitor_run (&m);
  return 0;

fail:
  if (err.code == 0)
    err.code = BERTH_EXIT_INTERNAL;
  send_line (failure_type (err.code), err.code, err.msg, 0);
  fprintf (stderr, "berth-monitor: %s\n", err.msg);
  container_abort (&ctx);
  return 1;
}
