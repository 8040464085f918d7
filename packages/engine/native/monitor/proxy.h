/* berth-monitor: the published ports' proxy. berthd binds each host port
 * and hands the socket over at spawn (--forward FD=ADDR:PORT), so the port
 * answers on every host address DNAT leaves alone (127.0.0.1, IPv6) and
 * stays reserved for exactly as long as the container runs, whether berthd
 * does or not. It forwards to the container's address:
 *   TCP  a connection to the container per client, spliced through a pipe
 *        each way: at most one pipe (64 KiB) in flight per direction, and a
 *        side is read only when what it sent before is gone;
 *   UDP  a connected socket to the container per client address, closed
 *        after PROXY_UDP_IDLE_SEC without traffic (Docker's proxy's 90 s).
 * Listener and target families are independent ([::]:80 → 172.17.0.2:80). */
#ifndef BERTH_PROXY_H
#define BERTH_PROXY_H

#include "berth.h"
#include "ev.h"

#include <sys/socket.h>

#define PROXY_MAX_CONNS 4096   /* accepting pauses above this (or on EMFILE) */
#define PROXY_MAX_FLOWS 1024   /* UDP: the least recently active client goes above this */
#define PROXY_UDP_IDLE_SEC 90
#define PROXY_SPLICE_CHUNK (64u << 10)

struct proxy_port
{
  struct ev ev;
  int fd;
  bool tcp;
  bool paused; /* not accepting (fd limit, connection cap): retried on the timer */
  struct sockaddr_storage target;
  socklen_t target_len;
  struct proxy_port *next;
};

struct proxy_conn
{
  struct ev ev[2]; /* side 0 the client, side 1 the container */
  int fd[2];
  int pipe[2][2];     /* pipe[d]: read from fd[d], not yet written to fd[!d] */
  size_t pending[2];  /* bytes in pipe[d] */
  bool eof[2];        /* fd[d] sent its FIN */
  bool shut[2];       /* ... and it was passed on to fd[!d] */
  bool hup[2];        /* fd[d] hung up: out of epoll, read when pipe[d] drains */
  uint32_t events[2]; /* epoll interest as registered */
  bool connecting;
  bool dead; /* closed; freed by proxy_sweep */
  struct proxy_conn *next;
};

struct proxy_flow
{
  struct ev ev;
  int fd; /* connected to the port's target */
  struct proxy_port *port;
  struct sockaddr_storage client;
  socklen_t client_len;
  time_t last; /* CLOCK_MONOTONIC seconds of the last datagram either way */
  bool dead;
  struct proxy_flow *next;
};

struct proxy
{
  int epfd;
  struct proxy_port *ports;
  struct proxy_conn *conns;
  struct proxy_flow *flows;
  size_t nconns, nflows;
  int timer_fd;
  int timer_sec; /* current period, 0 = disarmed */
  struct ev ev_timer;
};

/* Take over the host socket described by `FD=ADDR:PORT` (ADDR an IPv4
 * literal or [IPv6]): close-on-exec from here on. Before the container is
 * created. */
int proxy_add (struct proxy *p, const char *spec, struct berth_err *err);
/* Register the ports with epoll; nothing is accepted before monitor_run. */
int proxy_init (struct proxy *p, int epfd, struct berth_err *err);
void proxy_event (struct proxy *p, struct ev *e, uint32_t events);
/* Free what was closed during the last batch of events. */
void proxy_sweep (struct proxy *p);
/* The container is gone: host ports first (free for the next holder at
 * once), then every connection and flow. */
void proxy_close (struct proxy *p);

#endif
