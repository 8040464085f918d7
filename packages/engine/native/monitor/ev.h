/* berth-monitor: what an epoll registration points at. Every registered fd
 * carries a struct ev naming its kind and its owner. */
#ifndef BERTH_EV_H
#define BERTH_EV_H

enum ev_kind
{
  EV_PIDFD = 1,
  EV_STDOUT,
  EV_STDERR,
  EV_STDIN,
  EV_ATTACH_LISTEN,
  EV_CONTROL_LISTEN,
  EV_CLIENT,
  EV_TIMER,
  EV_PROXY_PORT,  /* a published port's host socket (proxy.c) */
  EV_PROXY_CONN,  /* one side of a forwarded TCP connection */
  EV_PROXY_FLOW,  /* a UDP client's socket towards the container */
  EV_PROXY_TIMER, /* UDP idle flows, paused accepts */
};

struct ev
{
  enum ev_kind kind;
  void *ptr;
};

#endif
