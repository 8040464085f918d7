/* berth-monitor: the event loop that outlives berthd. It pumps the
 * container's output into the json-file log and to attach clients, feeds
 * stdin, answers control requests, serves the published ports (proxy.c),
 * and records the exit. */
#include "monitor.h"

#include <limits.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <sys/wait.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static int
add_fd (struct monitor *m, int fd, uint32_t events, struct ev *ev, enum ev_kind kind, struct berth_err *err)
{
  if (fd < 0)
    return 0;
  ev->kind = kind;
  ev->ptr = m;
  struct epoll_event e = { .events = events, .data.ptr = ev };
  if (epoll_ctl (m->epfd, EPOLL_CTL_ADD, fd, &e) < 0)
    return make_err (err, errno, "epoll_ctl(%d)", fd);
  return 0;
}

int
monitor_init (struct monitor *m, struct berth_err *err)
{
  m->epfd = epoll_create1 (EPOLL_CLOEXEC);
  if (m->epfd < 0)
    return make_err (err, errno, "epoll_create1");
  if (m->out_fd >= 0)
    set_nonblock (m->out_fd, true);
  if (m->err_fd >= 0)
    set_nonblock (m->err_fd, true);
  if (m->in_fd >= 0)
    set_nonblock (m->in_fd, true);
  m->timer_fd = timerfd_create (CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (m->timer_fd < 0)
    return make_err (err, errno, "timerfd_create");
  if (add_fd (m, m->timer_fd, EPOLLIN, &m->ev_timer, EV_TIMER, err) < 0)
    return -1;
  if (add_fd (m, m->pidfd, EPOLLIN, &m->ev_pidfd, EV_PIDFD, err) < 0
      || add_fd (m, m->out_fd, EPOLLIN, &m->ev_out, EV_STDOUT, err) < 0
      || add_fd (m, m->err_fd, EPOLLIN, &m->ev_err, EV_STDERR, err) < 0
      || add_fd (m, m->in_fd, 0, &m->ev_in, EV_STDIN, err) < 0
      || add_fd (m, m->attach_lfd, EPOLLIN, &m->ev_attach, EV_ATTACH_LISTEN, err) < 0
      || add_fd (m, m->ctl_lfd, EPOLLIN, &m->ev_ctl, EV_CONTROL_LISTEN, err) < 0)
    return -1;
  return proxy_init (&m->proxy, m->epfd, err);
}

void
monitor_accept_pending (struct monitor *m)
{
  attach_accept (m, false);
  attach_accept (m, true);
}

/* Read what the container wrote; drain=true reads until EAGAIN/EOF. */
static void
pump (struct monitor *m, int stream, bool drain)
{
  int *fdp = stream == 2 ? &m->err_fd : &m->out_fd;
  char buf[LOG_LINE_MAX];
  for (int i = 0; *fdp >= 0 && (drain || i < 4); i++)
    {
      ssize_t n = read (*fdp, buf, sizeof (buf));
      if (n > 0)
        {
          struct timespec ts;
          clock_gettime (CLOCK_REALTIME, &ts);
          logger_write (&m->log, stream, buf, n, &ts);
          attach_broadcast (m, stream, buf, n);
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      /* EOF, or EIO from a pty whose slave side is gone */
      struct timespec ts;
      clock_gettime (CLOCK_REALTIME, &ts);
      logger_flush (&m->log, stream, &ts);
      epoll_ctl (m->epfd, EPOLL_CTL_DEL, *fdp, NULL);
      if (*fdp != m->pty_fd)
        close (*fdp);
      *fdp = -1;
      return;
    }
}

static void
sweep_clients (struct monitor *m)
{
  struct client **pp = &m->clients;
  while (*pp)
    {
      struct client *c = *pp;
      if (c->fd < 0)
        {
          *pp = c->next;
          sb_free (&c->out);
          free (c);
        }
      else
        pp = &c->next;
    }
}

static void
close_listeners (struct monitor *m)
{
  static const char *const names[] = { "attach.sock", "monitor.sock" };
  int *fds[] = { &m->attach_lfd, &m->ctl_lfd };
  for (int i = 0; i < 2; i++)
    if (*fds[i] >= 0)
      {
        epoll_ctl (m->epfd, EPOLL_CTL_DEL, *fds[i], NULL);
        close (*fds[i]);
        *fds[i] = -1;
        char p[PATH_MAX];
        snprintf (p, sizeof (p), "%s/%s", m->state_dir, names[i]);
        unlink (p);
      }
}

/* The process is gone. Everything that names the container's resources
 * (cgroup dirs, socket paths) is released before exit.json appears, so a
 * restart that reuses them cannot race with us; the log is complete by then
 * too. Attach and control clients hear last. */
static void
handle_exit (struct monitor *m)
{
  siginfo_t si;
  memset (&si, 0, sizeof (si));
  int r;
  do
    r = waitid (P_PIDFD, m->pidfd, &si, WEXITED);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    {
      do
        r = waitid (P_PID, m->pid, &si, WEXITED);
      while (r < 0 && errno == EINTR);
    }
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  /* the published ports are free again before anyone hears of the exit */
  proxy_close (&m->proxy);
  int code = 0, sig = 0;
  if (si.si_code == CLD_EXITED)
    code = si.si_status;
  else
    {
      sig = si.si_status;
      code = 128 + sig;
    }
  bool oom = m->cg && m->cg->enabled && cgroup_oom_killed (m->cg);

  /* what the process wrote before it died still belongs to the log */
  pump (m, 1, true);
  pump (m, 2, true);
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  logger_flush (&m->log, 1, &ts);
  logger_flush (&m->log, 2, &ts);

  if (m->cg && m->cg->enabled)
    cgroup_destroy (m->cg);
  close_listeners (m);

  char finished[64];
  format_rfc3339nano (&now, finished, sizeof (finished));
  char fields[256];
  snprintf (fields, sizeof (fields), "\"code\":%d,\"signal\":%d,\"oom\":%s,\"finishedAt\":\"%s\"", code, sig,
            oom ? "true" : "false", finished);
  char exitjson[300];
  int l = snprintf (exitjson, sizeof (exitjson), "{%s}\n", fields);
  struct berth_err err;
  if (write_file_atomic (m->state_dir, "exit.json", exitjson, l, &err) < 0)
    fprintf (stderr, "berth-monitor: %s\n", err.msg);

  attach_flush_all (m, false, 2000);
  for (struct client *c = m->clients; c; c = c->next)
    if (!c->control)
      attach_drop (m, c);

  char line[320];
  l = snprintf (line, sizeof (line), "{\"t\":\"exit\",%s}\n", fields);
  attach_send_control (m, line, l);
  attach_flush_all (m, true, 1000);
  for (struct client *c = m->clients; c; c = c->next)
    attach_drop (m, c);
  sweep_clients (m);
  m->exited = true;
}

void
monitor_run (struct monitor *m)
{
  struct epoll_event evs[32];
  while (!m->exited)
    {
      int n = epoll_wait (m->epfd, evs, 32, -1);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          /* cannot happen short of EBADF/EINVAL; block on the child instead */
          handle_exit (m);
          break;
        }
      for (int i = 0; i < n && !m->exited; i++)
        {
          struct ev *e = evs[i].data.ptr;
          switch (e->kind)
            {
            case EV_PIDFD:
              handle_exit (m);
              break;
            case EV_STDOUT:
              pump (m, 1, false);
              break;
            case EV_STDERR:
              pump (m, 2, false);
              break;
            case EV_STDIN:
              stdin_write_pending (m);
              break;
            case EV_ATTACH_LISTEN:
              attach_accept (m, false);
              break;
            case EV_CONTROL_LISTEN:
              attach_accept (m, true);
              break;
            case EV_CLIENT:
              attach_client_event (m, e->ptr, evs[i].events);
              break;
            case EV_TIMER:
              attach_stall_timer (m);
              break;
            case EV_PROXY_PORT:
            case EV_PROXY_CONN:
            case EV_PROXY_FLOW:
            case EV_PROXY_TIMER:
              proxy_event (&m->proxy, e, evs[i].events);
              break;
            }
        }
      if (!m->exited)
        attach_backpressure (m);
      sweep_clients (m);
      proxy_sweep (&m->proxy);
    }
  logger_close (&m->log);
}
