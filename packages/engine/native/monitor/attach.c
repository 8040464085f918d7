/* berth-monitor: attach.sock and monitor.sock clients.
 *
 * attach: output goes to every client as [stream,0,0,0,len BE32]+payload;
 * clients send stdin as [0,0,0,0,len BE32]+data, len 0 meaning EOF. Writes
 * never block: a client more than CLIENT_OUT_MAX behind is dropped.
 * control: JSON lines; {"t":"running","pid":N} on connect, then "resize"
 * and "close-stdin" requests, and {"t":"exit",...} at the end. */
#include "monitor.h"

#include <jansson.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <termios.h>

static void
client_update (struct monitor *m, struct client *c)
{
  if (c->fd < 0)
    return;
  struct epoll_event ev = { .events = 0, .data.ptr = &c->ev };
  if (!c->paused)
    ev.events |= EPOLLIN;
  if (c->out.len > c->out_off)
    ev.events |= EPOLLOUT;
  epoll_ctl (m->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

void
attach_drop (struct monitor *m, struct client *c)
{
  if (c->fd < 0)
    return;
  epoll_ctl (m->epfd, EPOLL_CTL_DEL, c->fd, NULL);
  close (c->fd);
  c->fd = -1; /* freed by the sweep at the end of the loop iteration */
  sb_free (&c->out);
  c->out_off = 0;
}

static void
client_queue (struct monitor *m, struct client *c, const void *a, size_t alen, const void *b, size_t blen)
{
  if (c->fd < 0)
    return;
  size_t done = 0;
  if (c->out.len == c->out_off)
    {
      struct iovec iov[2] = { { (void *) a, alen }, { (void *) b, blen } };
      ssize_t r;
      do
        r = writev (c->fd, iov, blen ? 2 : 1);
      while (r < 0 && errno == EINTR);
      if (r < 0 && errno != EAGAIN)
        {
          attach_drop (m, c);
          return;
        }
      done = r < 0 ? 0 : (size_t) r;
      c->written += done;
      if (done == alen + blen)
        return;
      c->out.len = c->out_off = 0;
    }
  if (done < alen)
    {
      sb_append (&c->out, (const char *) a + done, alen - done);
      done = 0;
    }
  else
    done -= alen;
  if (blen > done)
    sb_append (&c->out, (const char *) b + done, blen - done);
  if (!c->control && c->out.len - c->out_off > CLIENT_OUT_HARD)
    {
      attach_drop (m, c); /* hopelessly behind */
      return;
    }
  client_update (m, c);
}

static void
client_write_pending (struct monitor *m, struct client *c)
{
  while (c->fd >= 0 && c->out.len > c->out_off)
    {
      ssize_t r = write (c->fd, c->out.buf + c->out_off, c->out.len - c->out_off);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN)
            break;
          attach_drop (m, c);
          return;
        }
      c->out_off += r;
      c->written += r;
    }
  if (c->fd >= 0 && c->out.len == c->out_off)
    {
      c->out.len = c->out_off = 0;
    }
  client_update (m, c);
}

void
attach_accept (struct monitor *m, bool control)
{
  int lfd = control ? m->ctl_lfd : m->attach_lfd;
  if (lfd < 0)
    return;
  for (;;)
    {
      int fd = accept4 (lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0)
        {
          if (errno == EINTR)
            continue;
          return;
        }
      struct client *c = xmalloc0 (sizeof (*c));
      c->fd = fd;
      c->control = control;
      c->ev.kind = EV_CLIENT;
      c->ev.ptr = c;
      c->paused = !control && m->stdin_paused;
      struct epoll_event ev = { .events = c->paused ? 0 : EPOLLIN, .data.ptr = &c->ev };
      if (epoll_ctl (m->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
        {
          close (fd);
          free (c);
          continue;
        }
      c->next = m->clients;
      m->clients = c;
      if (control)
        {
          char line[64];
          int l = snprintf (line, sizeof (line), "{\"t\":\"running\",\"pid\":%d}\n", m->pid);
          client_queue (m, c, line, l, NULL, 0);
        }
    }
}

static void
set_clients_paused (struct monitor *m, bool paused)
{
  if (m->stdin_paused == paused)
    return;
  m->stdin_paused = paused;
  for (struct client *c = m->clients; c; c = c->next)
    if (!c->control && c->fd >= 0)
      {
        c->paused = paused;
        client_update (m, c);
      }
}

static void
stdin_do_close (struct monitor *m)
{
  m->stdin_close_pending = false;
  sb_free (&m->stdin_buf);
  m->stdin_off = 0;
  set_clients_paused (m, false);
  if (m->in_fd < 0)
    return;
  if (m->terminal)
    {
      /* a pty cannot be half-closed: send the EOF character in canonical mode */
      struct termios t;
      if (tcgetattr (m->in_fd, &t) == 0 && (t.c_lflag & ICANON))
        {
          char eof = t.c_cc[VEOF];
          (void) !write (m->in_fd, &eof, 1);
        }
    }
  epoll_ctl (m->epfd, EPOLL_CTL_DEL, m->in_fd, NULL);
  close (m->in_fd);
  m->in_fd = -1;
}

void
stdin_close (struct monitor *m)
{
  if (m->in_fd < 0)
    return;
  if (m->stdin_buf.len > m->stdin_off)
    m->stdin_close_pending = true;
  else
    stdin_do_close (m);
}

static void
stdin_update (struct monitor *m)
{
  if (m->in_fd < 0)
    return;
  struct epoll_event ev = { .events = m->stdin_buf.len > m->stdin_off ? EPOLLOUT : 0, .data.ptr = &m->ev_in };
  epoll_ctl (m->epfd, EPOLL_CTL_MOD, m->in_fd, &ev);
}

void
stdin_write_pending (struct monitor *m)
{
  while (m->in_fd >= 0 && m->stdin_buf.len > m->stdin_off)
    {
      ssize_t r = write (m->in_fd, m->stdin_buf.buf + m->stdin_off, m->stdin_buf.len - m->stdin_off);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN)
            break;
          /* the process closed its stdin: nothing more will be read */
          stdin_do_close (m);
          return;
        }
      m->stdin_off += r;
    }
  if (m->stdin_buf.len == m->stdin_off)
    {
      m->stdin_buf.len = m->stdin_off = 0;
      if (m->stdin_close_pending)
        {
          stdin_do_close (m);
          return;
        }
    }
  if (m->stdin_buf.len - m->stdin_off < STDIN_BUF_MAX / 2)
    set_clients_paused (m, false);
  stdin_update (m);
}

static void
stdin_feed (struct monitor *m, const char *data, size_t len)
{
  if (m->in_fd < 0 || m->stdin_close_pending || len == 0)
    return;
  if (m->stdin_buf.len == m->stdin_off)
    {
      ssize_t r;
      do
        r = write (m->in_fd, data, len);
      while (r < 0 && errno == EINTR);
      if (r < 0 && errno != EAGAIN)
        {
          stdin_do_close (m);
          return;
        }
      if (r > 0)
        {
          data += r;
          len -= r;
        }
      if (len == 0)
        return;
      m->stdin_buf.len = m->stdin_off = 0;
    }
  sb_append (&m->stdin_buf, data, len);
  if (m->stdin_buf.len - m->stdin_off > STDIN_BUF_MAX)
    set_clients_paused (m, true);
  stdin_update (m);
}

static void
attach_read (struct monitor *m, struct client *c)
{
  char buf[65536];
  for (int rounds = 0; rounds < 16 && c->fd >= 0 && !c->paused; rounds++)
    {
      ssize_t n = read (c->fd, buf, sizeof (buf));
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno != EAGAIN)
            attach_drop (m, c);
          return;
        }
      if (n == 0)
        {
          attach_drop (m, c);
          return;
        }
      const char *p = buf;
      size_t left = n;
      while (left > 0)
        {
          if (!c->in_frame)
            {
              size_t take = 8 - c->hdr_len < left ? 8 - c->hdr_len : left;
              memcpy (c->hdr + c->hdr_len, p, take);
              c->hdr_len += take;
              p += take;
              left -= take;
              if (c->hdr_len < 8)
                break;
              c->hdr_len = 0;
              c->remaining = ((uint32_t) c->hdr[4] << 24) | ((uint32_t) c->hdr[5] << 16)
                             | ((uint32_t) c->hdr[6] << 8) | (uint32_t) c->hdr[7];
              if (c->remaining == 0)
                {
                  /* stdin EOF from this client */
                  if (m->stdin_once)
                    stdin_close (m);
                  continue;
                }
              c->in_frame = true;
              continue;
            }
          size_t take = c->remaining < left ? c->remaining : left;
          stdin_feed (m, p, take);
          p += take;
          left -= take;
          c->remaining -= take;
          if (c->remaining == 0)
            c->in_frame = false;
        }
    }
}

static void
control_line (struct monitor *m, const char *line, size_t len)
{
  json_error_t jerr;
  json_t *msg = json_loadb (line, len, 0, &jerr);
  if (msg == NULL)
    return;
  const char *t = json_string_value (json_object_get (msg, "t"));
  if (t && strcmp (t, "resize") == 0)
    {
      json_t *h = json_object_get (msg, "h"), *w = json_object_get (msg, "w");
      if (m->pty_fd >= 0 && json_is_integer (h) && json_is_integer (w))
        {
          struct winsize ws = { .ws_row = (unsigned short) json_integer_value (h),
                                .ws_col = (unsigned short) json_integer_value (w) };
          ioctl (m->pty_fd, TIOCSWINSZ, &ws);
        }
    }
  else if (t && strcmp (t, "close-stdin") == 0)
    stdin_close (m);
  json_decref (msg);
}

static void
control_read (struct monitor *m, struct client *c)
{
  for (;;)
    {
      if (c->line_len == sizeof (c->line))
        c->line_len = 0; /* an over-long line: discard it */
      ssize_t n = read (c->fd, c->line + c->line_len, sizeof (c->line) - c->line_len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno != EAGAIN)
            attach_drop (m, c);
          return;
        }
      if (n == 0)
        {
          attach_drop (m, c);
          return;
        }
      c->line_len += n;
      char *start = c->line;
      char *nl;
      while ((nl = memchr (start, '\n', c->line_len - (start - c->line))) != NULL)
        {
          control_line (m, start, nl - start);
          start = nl + 1;
        }
      size_t rest = c->line_len - (start - c->line);
      memmove (c->line, start, rest);
      c->line_len = rest;
    }
}

void
attach_client_event (struct monitor *m, struct client *c, uint32_t events)
{
  if (c->fd < 0)
    return;
  if (events & EPOLLOUT)
    client_write_pending (m, c);
  if (c->fd >= 0 && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
    {
      if (c->control)
        control_read (m, c);
      else if (!c->paused)
        attach_read (m, c);
      else if (events & (EPOLLHUP | EPOLLERR))
        attach_drop (m, c);
    }
}

void
attach_broadcast (struct monitor *m, int stream, const char *data, size_t len)
{
  unsigned char hdr[8] = { (unsigned char) stream, 0, 0, 0, (unsigned char) (len >> 24), (unsigned char) (len >> 16),
                           (unsigned char) (len >> 8), (unsigned char) len };
  for (struct client *c = m->clients; c; c = c->next)
    if (!c->control && c->fd >= 0)
      client_queue (m, c, hdr, 8, data, len);
}

void
attach_send_control (struct monitor *m, const char *line, size_t len)
{
  for (struct client *c = m->clients; c; c = c->next)
    if (c->control && c->fd >= 0)
      client_queue (m, c, line, len, NULL, 0);
}

void
attach_flush_all (struct monitor *m, bool control, int timeout_ms)
{
  struct timespec start;
  clock_gettime (CLOCK_MONOTONIC, &start);
  for (;;)
    {
      struct pollfd pfds[64];
      struct client *owners[64];
      nfds_t n = 0;
      for (struct client *c = m->clients; c && n < 64; c = c->next)
        if (c->control == control && c->fd >= 0 && c->out.len > c->out_off)
          {
            pfds[n].fd = c->fd;
            pfds[n].events = POLLOUT;
            owners[n++] = c;
          }
      if (n == 0)
        return;
      struct timespec now;
      clock_gettime (CLOCK_MONOTONIC, &now);
      long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
      if (elapsed >= timeout_ms)
        return;
      int r = poll (pfds, n, timeout_ms - elapsed);
      if (r <= 0)
        {
          if (r < 0 && errno == EINTR)
            continue;
          return;
        }
      for (nfds_t i = 0; i < n; i++)
        if (pfds[i].revents)
          {
            if (pfds[i].revents & (POLLERR | POLLHUP | POLLNVAL))
              attach_drop (m, owners[i]);
            else
              client_write_pending (m, owners[i]);
          }
    }
}

static void
set_output_paused (struct monitor *m, bool paused)
{
  m->output_paused = paused;
  int fds[2] = { m->out_fd, m->err_fd };
  struct ev *evs[2] = { &m->ev_out, &m->ev_err };
  for (int i = 0; i < 2; i++)
    if (fds[i] >= 0)
      {
        struct epoll_event ev = { .events = paused ? 0 : EPOLLIN, .data.ptr = evs[i] };
        epoll_ctl (m->epfd, EPOLL_CTL_MOD, fds[i], &ev);
      }
}

static void
arm_stall_timer (struct monitor *m, bool on)
{
  struct itimerspec its = { 0 };
  if (on)
    {
      its.it_value.tv_sec = ATTACH_STALL_MS / 1000;
      its.it_value.tv_nsec = (ATTACH_STALL_MS % 1000) * 1000000L;
      for (struct client *c = m->clients; c; c = c->next)
        c->written_at_arm = c->written;
    }
  if (m->timer_fd >= 0)
    timerfd_settime (m->timer_fd, 0, &its, NULL);
}

void
attach_backpressure (struct monitor *m)
{
  bool over = false, all_low = true;
  for (struct client *c = m->clients; c; c = c->next)
    if (!c->control && c->fd >= 0)
      {
        size_t pending = c->out.len - c->out_off;
        if (pending > CLIENT_OUT_HIGH)
          over = true;
        if (pending > CLIENT_OUT_LOW)
          all_low = false;
      }
  if (!m->output_paused && over)
    {
      set_output_paused (m, true);
      arm_stall_timer (m, true);
    }
  else if (m->output_paused && all_low)
    {
      set_output_paused (m, false);
      arm_stall_timer (m, false);
    }
}

void
attach_stall_timer (struct monitor *m)
{
  uint64_t ticks;
  (void) !read (m->timer_fd, &ticks, sizeof (ticks));
  if (!m->output_paused)
    return;
  /* still behind and no byte taken since the timer was armed: stuck */
  for (struct client *c = m->clients; c; c = c->next)
    if (!c->control && c->fd >= 0 && c->out.len - c->out_off > CLIENT_OUT_LOW && c->written == c->written_at_arm)
      attach_drop (m, c);
  attach_backpressure (m);
  if (m->output_paused)
    arm_stall_timer (m, true);
}
