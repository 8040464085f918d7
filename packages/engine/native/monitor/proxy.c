/* berth-monitor: the published ports' proxy (see proxy.h). Level-triggered
 * epoll throughout; nothing here blocks. Closed connections and flows are
 * only marked dead while a batch of events may still point at them, and
 * freed by proxy_sweep after it. */
#include "proxy.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>

static time_t
now_sec (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec;
}

/* "172.17.0.2:80" or "[fd00::2]:80" */
static int
parse_target (const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
  char host[INET6_ADDRSTRLEN + 2];
  const char *colon = strrchr (s, ':');
  if (colon == NULL || (size_t) (colon - s) >= sizeof (host))
    return -1;
  memcpy (host, s, colon - s);
  host[colon - s] = '\0';
  char *end;
  long port = strtol (colon + 1, &end, 10);
  if (*end != '\0' || end == colon + 1 || port < 1 || port > 65535)
    return -1;
  memset (ss, 0, sizeof (*ss));
  size_t hl = strlen (host);
  if (hl > 2 && host[0] == '[' && host[hl - 1] == ']')
    {
      struct sockaddr_in6 *a = (struct sockaddr_in6 *) ss;
      host[hl - 1] = '\0';
      if (inet_pton (AF_INET6, host + 1, &a->sin6_addr) != 1)
        return -1;
      a->sin6_family = AF_INET6;
      a->sin6_port = htons (port);
      *len = sizeof (*a);
      return 0;
    }
  struct sockaddr_in *a = (struct sockaddr_in *) ss;
  if (inet_pton (AF_INET, host, &a->sin_addr) != 1)
    return -1;
  a->sin_family = AF_INET;
  a->sin_port = htons (port);
  *len = sizeof (*a);
  return 0;
}

int
proxy_add (struct proxy *p, const char *spec, struct berth_err *err)
{
  char *end;
  long fd = strtol (spec, &end, 10);
  if (end == spec || *end != '=' || fd < 3 || fd > INT_MAX)
    return make_err (err, 0, "bad --forward `%s`: want FD=ADDR:PORT", spec);
  struct sockaddr_storage target;
  socklen_t target_len;
  if (parse_target (end + 1, &target, &target_len) < 0)
    return make_err (err, 0, "bad --forward `%s`: want FD=ADDR:PORT", spec);
  int type = 0;
  socklen_t tl = sizeof (type);
  if (getsockopt ((int) fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0)
    return make_err (err, errno, "--forward `%s`: fd %ld", spec, fd);
  if (type != SOCK_STREAM && type != SOCK_DGRAM)
    return make_err (err, 0, "--forward `%s`: fd %ld is neither a TCP nor a UDP socket", spec, fd);
  if (set_cloexec ((int) fd, true) < 0 || set_nonblock ((int) fd, true) < 0)
    return make_err (err, errno, "--forward `%s`", spec);
  struct proxy_port *pp = xmalloc0 (sizeof (*pp));
  pp->fd = (int) fd;
  pp->tcp = type == SOCK_STREAM;
  pp->target = target;
  pp->target_len = target_len;
  pp->ev.kind = EV_PROXY_PORT;
  pp->ev.ptr = pp;
  pp->next = p->ports;
  p->ports = pp;
  return 0;
}

int
proxy_init (struct proxy *p, int epfd, struct berth_err *err)
{
  p->epfd = epfd;
  p->timer_fd = -1;
  if (p->ports == NULL)
    return 0;
  p->timer_fd = timerfd_create (CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
  if (p->timer_fd < 0)
    return make_err (err, errno, "timerfd_create");
  p->ev_timer.kind = EV_PROXY_TIMER;
  p->ev_timer.ptr = p;
  struct epoll_event e = { .events = EPOLLIN, .data.ptr = &p->ev_timer };
  if (epoll_ctl (epfd, EPOLL_CTL_ADD, p->timer_fd, &e) < 0)
    return make_err (err, errno, "epoll_ctl(proxy timer)");
  for (struct proxy_port *pp = p->ports; pp; pp = pp->next)
    {
      struct epoll_event pe = { .events = EPOLLIN, .data.ptr = &pp->ev };
      if (epoll_ctl (epfd, EPOLL_CTL_ADD, pp->fd, &pe) < 0)
        return make_err (err, errno, "epoll_ctl(published port fd %d)", pp->fd);
    }
  return 0;
}

/* ── the timer: paused accepts are retried every second, idle UDP flows
 * are looked for every 10 s; off when there is neither ─────────────────── */

static void
timer_update (struct proxy *p)
{
  if (p->timer_fd < 0)
    return;
  int want = 0;
  for (struct proxy_port *pp = p->ports; pp && want != 1; pp = pp->next)
    if (pp->paused)
      want = 1;
  if (want == 0 && p->nflows)
    want = 10;
  if (want == p->timer_sec)
    return;
  struct itimerspec its = { .it_interval = { want, 0 }, .it_value = { want, 0 } };
  if (timerfd_settime (p->timer_fd, 0, &its, NULL) == 0)
    p->timer_sec = want;
}

static void
port_pause (struct proxy *p, struct proxy_port *pp, bool paused)
{
  if (pp->paused == paused || pp->fd < 0)
    return;
  pp->paused = paused;
  struct epoll_event e = { .events = paused ? 0 : EPOLLIN, .data.ptr = &pp->ev };
  epoll_ctl (p->epfd, EPOLL_CTL_MOD, pp->fd, &e);
  timer_update (p);
}

static void
resume_ports (struct proxy *p)
{
  for (struct proxy_port *pp = p->ports; pp; pp = pp->next)
    port_pause (p, pp, false);
}

/* ── TCP ────────────────────────────────────────────────────────────────── */

static void
conn_close (struct proxy *p, struct proxy_conn *c)
{
  if (c->dead)
    return;
  c->dead = true;
  for (int s = 0; s < 2; s++)
    {
      if (c->fd[s] >= 0)
        {
          epoll_ctl (p->epfd, EPOLL_CTL_DEL, c->fd[s], NULL);
          close (c->fd[s]);
          c->fd[s] = -1;
        }
      for (int i = 0; i < 2; i++)
        if (c->pipe[s][i] >= 0)
          {
            close (c->pipe[s][i]);
            c->pipe[s][i] = -1;
          }
    }
  p->nconns--;
  resume_ports (p);
}

/* Move what fd[d] sent on to fd[!d], through pipe[d], until one of them
 * would block. -1: the connection is broken. */
static int
conn_pump (struct proxy_conn *c, int d)
{
  int src = c->fd[d], dst = c->fd[!d];
  for (int round = 0; round < 16; round++)
    {
      if (c->pending[d] > 0)
        {
          ssize_t n = splice (c->pipe[d][0], NULL, dst, NULL, c->pending[d], SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
          if (n < 0 && errno == EINTR)
            continue;
          if (n < 0 && errno == EAGAIN)
            break;
          if (n <= 0)
            return -1;
          c->pending[d] -= n;
          if (c->pending[d] > 0)
            continue;
        }
      if (c->eof[d])
        break;
      ssize_t n = splice (src, NULL, c->pipe[d][1], NULL, PROXY_SPLICE_CHUNK, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      if (n < 0)
        return -1;
      if (n == 0)
        c->eof[d] = true;
      c->pending[d] += n;
    }
  if (c->eof[d] && c->pending[d] == 0 && !c->shut[d])
    {
      c->shut[d] = true;
      if (shutdown (dst, SHUT_WR) < 0 && errno != ENOTCONN)
        return -1;
    }
  return 0;
}

static void
conn_update (struct proxy *p, struct proxy_conn *c)
{
  for (int s = 0; s < 2; s++)
    {
      if (c->hup[s])
        continue;
      uint32_t want = 0;
      if (c->connecting)
        want = s == 1 ? EPOLLOUT : 0;
      else
        {
          if (!c->eof[s] && c->pending[s] == 0)
            want |= EPOLLIN;
          if (c->pending[!s] > 0)
            want |= EPOLLOUT;
        }
      if (want == c->events[s])
        continue;
      struct epoll_event e = { .events = want, .data.ptr = &c->ev[s] };
      epoll_ctl (p->epfd, EPOLL_CTL_MOD, c->fd[s], &e);
      c->events[s] = want;
    }
}

static void
conn_event (struct proxy *p, struct proxy_conn *c, int side, uint32_t events)
{
  if (c->dead)
    return;
  if (events & EPOLLERR)
    {
      conn_close (p, c);
      return;
    }
  if (c->connecting)
    {
      if (side == 0)
        {
          if (events & EPOLLHUP)
            conn_close (p, c);
          return; /* the client waits until the container answers */
        }
      int soerr = 0;
      socklen_t l = sizeof (soerr);
      if (getsockopt (c->fd[1], SOL_SOCKET, SO_ERROR, &soerr, &l) < 0 || soerr != 0)
        {
          conn_close (p, c); /* refused: the client sees its connection closed */
          return;
        }
      c->connecting = false;
    }
  if (conn_pump (c, 0) < 0 || conn_pump (c, 1) < 0)
    {
      conn_close (p, c);
      return;
    }
  if (c->shut[0] && c->shut[1])
    {
      conn_close (p, c);
      return;
    }
  if ((events & EPOLLHUP) && !c->hup[side])
    {
      /* Both ways shut on this side (no EPOLLERR: not a reset), so its
       * own direction is the only one left: what it still has queued is
       * read as pipe[side] drains, without epoll, which would report the
       * hang-up on every wait. */
      c->hup[side] = true;
      epoll_ctl (p->epfd, EPOLL_CTL_DEL, c->fd[side], NULL);
    }
  conn_update (p, c);
}

static void
conn_open (struct proxy *p, struct proxy_port *pp, int client)
{
  struct proxy_conn *c = xmalloc0 (sizeof (*c));
  c->fd[0] = client;
  c->fd[1] = -1;
  for (int s = 0; s < 2; s++)
    {
      c->pipe[s][0] = c->pipe[s][1] = -1;
      c->ev[s].kind = EV_PROXY_CONN;
      c->ev[s].ptr = c;
    }
  p->nconns++; /* conn_close takes it back */
  c->fd[1] = socket (pp->target.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  bool ok = c->fd[1] >= 0 && pipe2 (c->pipe[0], O_NONBLOCK | O_CLOEXEC) == 0 && pipe2 (c->pipe[1], O_NONBLOCK | O_CLOEXEC) == 0;
  if (!ok)
    {
      bool out_of_fds = errno == EMFILE || errno == ENFILE;
      conn_close (p, c);
      free (c);
      if (out_of_fds)
        port_pause (p, pp, true);
      return;
    }
  int one = 1;
  setsockopt (c->fd[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof (one));
  setsockopt (c->fd[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof (one));
  int r;
  do
    r = connect (c->fd[1], (struct sockaddr *) &pp->target, pp->target_len);
  while (r < 0 && errno == EINTR);
  if (r < 0 && errno != EINPROGRESS)
    {
      conn_close (p, c);
      free (c);
      return;
    }
  c->connecting = r < 0;
  c->events[0] = 0;
  c->events[1] = c->connecting ? EPOLLOUT : 0;
  struct epoll_event e0 = { .events = c->events[0], .data.ptr = &c->ev[0] };
  struct epoll_event e1 = { .events = c->events[1], .data.ptr = &c->ev[1] };
  if (epoll_ctl (p->epfd, EPOLL_CTL_ADD, c->fd[0], &e0) < 0 || epoll_ctl (p->epfd, EPOLL_CTL_ADD, c->fd[1], &e1) < 0)
    {
      conn_close (p, c);
      free (c);
      return;
    }
  c->next = p->conns;
  p->conns = c;
  if (!c->connecting)
    conn_update (p, c);
}

static void
port_accept (struct proxy *p, struct proxy_port *pp)
{
  for (int i = 0; i < 64 && !pp->paused; i++)
    {
      if (p->nconns >= PROXY_MAX_CONNS)
        {
          port_pause (p, pp, true); /* they wait in the backlog */
          return;
        }
      int fd = accept4 (pp->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0)
        {
          if (errno == EINTR || errno == ECONNABORTED)
            continue;
          if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
            port_pause (p, pp, true);
          return;
        }
      conn_open (p, pp, fd);
    }
}

/* ── UDP ────────────────────────────────────────────────────────────────── */

static bool
same_addr (const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
  if (a->ss_family != b->ss_family)
    return false;
  if (a->ss_family == AF_INET)
    {
      const struct sockaddr_in *x = (const void *) a, *y = (const void *) b;
      return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
  const struct sockaddr_in6 *x = (const void *) a, *y = (const void *) b;
  return x->sin6_port == y->sin6_port && memcmp (&x->sin6_addr, &y->sin6_addr, sizeof (x->sin6_addr)) == 0
         && x->sin6_scope_id == y->sin6_scope_id;
}

static void
flow_close (struct proxy *p, struct proxy_flow *f)
{
  if (f->dead)
    return;
  f->dead = true;
  epoll_ctl (p->epfd, EPOLL_CTL_DEL, f->fd, NULL);
  close (f->fd);
  f->fd = -1;
  p->nflows--;
}

static struct proxy_flow *
flow_open (struct proxy *p, struct proxy_port *pp, const struct sockaddr_storage *client, socklen_t client_len)
{
  if (p->nflows >= PROXY_MAX_FLOWS)
    {
      struct proxy_flow *oldest = NULL;
      for (struct proxy_flow *f = p->flows; f; f = f->next)
        if (!f->dead && (oldest == NULL || f->last < oldest->last))
          oldest = f;
      if (oldest)
        flow_close (p, oldest);
    }
  int fd = socket (pp->target.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return NULL;
  if (connect (fd, (struct sockaddr *) &pp->target, pp->target_len) < 0)
    {
      close (fd);
      return NULL;
    }
  struct proxy_flow *f = xmalloc0 (sizeof (*f));
  f->fd = fd;
  f->port = pp;
  f->client = *client;
  f->client_len = client_len;
  f->ev.kind = EV_PROXY_FLOW;
  f->ev.ptr = f;
  struct epoll_event e = { .events = EPOLLIN, .data.ptr = &f->ev };
  if (epoll_ctl (p->epfd, EPOLL_CTL_ADD, fd, &e) < 0)
    {
      close (fd);
      free (f);
      return NULL;
    }
  f->next = p->flows;
  p->flows = f;
  p->nflows++;
  timer_update (p);
  return f;
}

static char dgram[65536];

/* Datagrams from clients to the container. Lost ones are lost (UDP). */
static void
port_datagrams (struct proxy *p, struct proxy_port *pp)
{
  for (int i = 0; i < 64; i++)
    {
      struct sockaddr_storage from;
      socklen_t fl = sizeof (from);
      ssize_t n = recvfrom (pp->fd, dgram, sizeof (dgram), 0, (struct sockaddr *) &from, &fl);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return;
        }
      struct proxy_flow *f = NULL;
      for (struct proxy_flow *x = p->flows; x && !f; x = x->next)
        if (!x->dead && x->port == pp && same_addr (&x->client, &from))
          f = x;
      if (f == NULL && (f = flow_open (p, pp, &from, fl)) == NULL)
        continue;
      f->last = now_sec ();
      (void) !send (f->fd, dgram, n, 0);
    }
}

/* Replies from the container to the flow's client. */
static void
flow_replies (struct proxy *p, struct proxy_flow *f)
{
  for (int i = 0; i < 64 && !f->dead; i++)
    {
      ssize_t n = recv (f->fd, dgram, sizeof (dgram), 0);
      if (n < 0)
        {
          if (errno == EINTR || errno == ECONNREFUSED) /* nothing listened in the container (ICMP) */
            continue;
          if (errno != EAGAIN)
            flow_close (p, f);
          return;
        }
      f->last = now_sec ();
      (void) !sendto (f->port->fd, dgram, n, 0, (struct sockaddr *) &f->client, f->client_len);
    }
}

static void
timer_tick (struct proxy *p)
{
  uint64_t ticks;
  (void) !read (p->timer_fd, &ticks, sizeof (ticks));
  resume_ports (p);
  time_t idle_before = now_sec () - PROXY_UDP_IDLE_SEC;
  for (struct proxy_flow *f = p->flows; f; f = f->next)
    if (!f->dead && f->last < idle_before)
      flow_close (p, f);
  timer_update (p);
}

/* ── the monitor's side ─────────────────────────────────────────────────── */

void
proxy_event (struct proxy *p, struct ev *e, uint32_t events)
{
  switch (e->kind)
    {
    case EV_PROXY_PORT:
      {
        struct proxy_port *pp = e->ptr;
        if (pp->tcp)
          port_accept (p, pp);
        else
          port_datagrams (p, pp);
        break;
      }
    case EV_PROXY_CONN:
      {
        struct proxy_conn *c = e->ptr;
        conn_event (p, c, e == &c->ev[1], events);
        break;
      }
    case EV_PROXY_FLOW:
      flow_replies (p, e->ptr);
      break;
    case EV_PROXY_TIMER:
      timer_tick (p);
      break;
    default:
      break;
    }
}

void
proxy_sweep (struct proxy *p)
{
  for (struct proxy_conn **cp = &p->conns; *cp;)
    {
      struct proxy_conn *c = *cp;
      if (c->dead)
        {
          *cp = c->next;
          free (c);
        }
      else
        cp = &c->next;
    }
  for (struct proxy_flow **fp = &p->flows; *fp;)
    {
      struct proxy_flow *f = *fp;
      if (f->dead)
        {
          *fp = f->next;
          free (f);
        }
      else
        fp = &f->next;
    }
}

void
proxy_close (struct proxy *p)
{
  for (struct proxy_port *pp = p->ports; pp; pp = pp->next)
    if (pp->fd >= 0)
      {
        epoll_ctl (p->epfd, EPOLL_CTL_DEL, pp->fd, NULL);
        close (pp->fd);
        pp->fd = -1;
      }
  for (struct proxy_conn *c = p->conns; c; c = c->next)
    conn_close (p, c);
  for (struct proxy_flow *f = p->flows; f; f = f->next)
    flow_close (p, f);
  proxy_sweep (p);
  if (p->timer_fd >= 0)
    {
      epoll_ctl (p->epfd, EPOLL_CTL_DEL, p->timer_fd, NULL);
      close (p->timer_fd);
      p->timer_fd = -1;
    }
}
