/* berth-monitor: the long-lived side: output pump, log, attach and control
 * sockets, exit recording. */
#ifndef BERTH_MONITOR_H
#define BERTH_MONITOR_H

#include "berth.h"
#include "cgroups.h"
#include "ev.h"
#include "log.h"
#include "proxy.h"

/* Attach clients get the output without ever blocking the monitor. When one
 * falls CLIENT_OUT_HIGH behind, the monitor stops reading the container's
 * output (backpressure, as a pipe would give) until every client is back
 * under CLIENT_OUT_LOW; a client that makes no progress for
 * ATTACH_STALL_MS meanwhile is dropped, and one CLIENT_OUT_HARD behind is
 * dropped at once. So a slow reader gets everything, a stuck or vanished one
 * costs the container at most ATTACH_STALL_MS once. */
#define CLIENT_OUT_HIGH (1u << 20)
#define CLIENT_OUT_LOW (256u << 10)
#define CLIENT_OUT_HARD (8u << 20)
#define ATTACH_STALL_MS 2000
#define STDIN_BUF_MAX (1u << 20) /* stop reading clients' stdin past this */

struct client
{
  struct ev ev;
  int fd;
  bool control;
  bool paused;  /* EPOLLIN off while container stdin is backed up */
  struct strbuf out;
  size_t out_off;
  uint64_t written, written_at_arm; /* progress, for the stall timer */
  /* attach: stdin frame parser */
  unsigned char hdr[8];
  size_t hdr_len;
  uint32_t remaining;
  bool in_frame;
  /* control: line buffer */
  char line[8192];
  size_t line_len;
  struct client *next;
};

struct monitor
{
  int epfd;
  pid_t pid;
  int pidfd;
  int out_fd, err_fd; /* container stdout/stderr readers (out_fd is the pty master with a terminal) */
  int pty_fd;         /* pty master, or -1 */
  int in_fd;          /* container stdin writer (a dup of the master with a terminal), or -1 */
  bool terminal;
  bool stdin_once;
  bool stdin_close_pending;
  struct strbuf stdin_buf;
  size_t stdin_off;
  bool stdin_paused;
  int attach_lfd, ctl_lfd;
  struct client *clients;
  struct logger log;
  const char *state_dir;
  struct berth_cgroup *cg;
  bool exited;
  int timer_fd;       /* attach stall timer */
  bool output_paused; /* not reading the container's output: a client is behind */
  struct ev ev_pidfd, ev_out, ev_err, ev_in, ev_attach, ev_ctl, ev_timer;
  struct proxy proxy; /* published ports */
};

/* monitor.c */
int monitor_init (struct monitor *m, struct berth_err *err);
/* Accept clients queued on the listening sockets (before the process runs,
 * so an attach made between "created" and "start" sees all output). */
void monitor_accept_pending (struct monitor *m);
/* Runs until the process exits; then drains its output into the log,
 * removes the cgroups and sockets, writes exit.json and tells clients. */
void monitor_run (struct monitor *m);

/* attach.c */
void attach_accept (struct monitor *m, bool control);
void attach_client_event (struct monitor *m, struct client *c, uint32_t events);
void attach_broadcast (struct monitor *m, int stream, const char *data, size_t len);
void attach_send_control (struct monitor *m, const char *line, size_t len);
void attach_drop (struct monitor *m, struct client *c);
void attach_flush_all (struct monitor *m, bool control, int timeout_ms);
/* Pause/resume reading the container's output as attach clients fall behind or catch up. */
void attach_backpressure (struct monitor *m);
void attach_stall_timer (struct monitor *m);
void stdin_write_pending (struct monitor *m);
void stdin_close (struct monitor *m);

#endif
