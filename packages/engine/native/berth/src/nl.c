/* rtnetlink messages over a raw socket: build a request, send it, read the ack or the dump. */
#include "nl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

int
nl_make_err (struct nl_err *err, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (err->msg, sizeof err->msg, fmt, ap);
  va_end (ap);
  if (errnum && n >= 0 && (size_t) n < sizeof err->msg)
    snprintf (err->msg + n, sizeof err->msg - n, ": %s", strerror (errnum));
  err->errnum = errnum;
  return -1;
}

/* ---- message building ---- */

struct req
{
  struct nlmsghdr *nh;
  size_t cap;
  union
  {
    char buf[8192];
    struct nlmsghdr align;
  } u;
};

static void *
req_init (struct req *r, int type, int flags, size_t hdrlen)
{
  memset (r, 0, sizeof *r);
  r->nh = &r->u.align;
  r->cap = sizeof r->u.buf;
  r->nh->nlmsg_len = NLMSG_LENGTH (hdrlen);
  r->nh->nlmsg_type = type;
  r->nh->nlmsg_flags = NLM_F_REQUEST | flags;
  r->nh->nlmsg_seq = 1;
  return NLMSG_DATA (r->nh);
}

static struct rtattr *
attr (struct req *r, int type, const void *data, size_t len)
{
  size_t off = NLMSG_ALIGN (r->nh->nlmsg_len);
  struct rtattr *a = (struct rtattr *) ((char *) r->nh + off);
  if (off + RTA_SPACE (len) > r->cap)
    abort ();
  a->rta_type = type;
  a->rta_len = RTA_LENGTH (len);
  if (len)
    memcpy (RTA_DATA (a), data, len);
  r->nh->nlmsg_len = off + RTA_SPACE (len);
  return a;
}

static void
attr_str (struct req *r, int type, const char *s)
{
  attr (r, type, s, strlen (s) + 1);
}

static void
attr_u32 (struct req *r, int type, uint32_t v)
{
  attr (r, type, &v, sizeof v);
}

static struct rtattr *
nest_start (struct req *r, int type)
{
  return attr (r, type, NULL, 0);
}

static void
nest_end (struct req *r, struct rtattr *a)
{
  a->rta_len = (char *) r->nh + r->nh->nlmsg_len - (char *) a;
}

/* Reserve raw bytes (a nested ifinfomsg inside VETH_INFO_PEER). */
static void *
raw (struct req *r, size_t len)
{
  size_t off = NLMSG_ALIGN (r->nh->nlmsg_len);
  void *p = (char *) r->nh + off;
  memset (p, 0, NLMSG_ALIGN (len));
  r->nh->nlmsg_len = off + NLMSG_ALIGN (len);
  return p;
}

/* ---- transport ---- */

int
nl_socket (struct nl_err *err)
{
  int fd = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0)
    return nl_make_err (err, errno, "netlink socket");
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
  if (bind (fd, (struct sockaddr *) &sa, sizeof sa) < 0)
    {
      int e = errno;
      close (fd);
      return nl_make_err (err, e, "netlink bind");
    }
  return fd;
}

static int
send_req (int fd, struct req *r, const char *what, struct nl_err *err)
{
  struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
  if (sendto (fd, r->nh, r->nh->nlmsg_len, 0, (struct sockaddr *) &sa, sizeof sa) < 0)
    return nl_make_err (err, errno, "%s: netlink send", what);
  return 0;
}

typedef int (*dump_cb) (struct nlmsghdr *nh, void *data);

/* Send and read replies until the ack (or NLMSG_DONE for dumps), calling cb on each message. */
static int
talk (int fd, struct req *r, const char *what, dump_cb cb, void *data, struct nl_err *err)
{
  r->nh->nlmsg_flags |= NLM_F_ACK; /* a GET by name answers with the object, then the ack */
  if (send_req (fd, r, what, err) < 0)
    return -1;
  static __thread char buf[32768];
  for (;;)
    {
      ssize_t n = recv (fd, buf, sizeof buf, 0);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return nl_make_err (err, errno, "%s: netlink recv", what);
        }
      for (struct nlmsghdr *nh = (struct nlmsghdr *) buf; NLMSG_OK (nh, (unsigned) n); nh = NLMSG_NEXT (nh, n))
        {
          if (nh->nlmsg_type == NLMSG_DONE)
            return 0;
          if (nh->nlmsg_type == NLMSG_ERROR)
            {
              struct nlmsgerr *e = NLMSG_DATA (nh);
              if (e->error == 0)
                return 0;
              errno = -e->error;
              return nl_make_err (err, -e->error, "%s", what);
            }
          if (cb && cb (nh, data) < 0)
            return nl_make_err (err, ENOMEM, "%s", what);
        }
    }
}

/* ---- links ---- */

static int
link_index_cb (struct nlmsghdr *nh, void *data)
{
  if (nh->nlmsg_type == RTM_NEWLINK)
    *(int *) data = ((struct ifinfomsg *) NLMSG_DATA (nh))->ifi_index;
  return 0;
}

int
nl_link_index (int fd, const char *name, struct nl_err *err)
{
  struct req r;
  char what[64];
  snprintf (what, sizeof what, "link %s", name);
  struct ifinfomsg *ifi = req_init (&r, RTM_GETLINK, 0, sizeof *ifi);
  ifi->ifi_family = AF_UNSPEC;
  attr_u32 (&r, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  attr_str (&r, IFLA_IFNAME, name);
  int index = 0;
  if (talk (fd, &r, what, link_index_cb, &index, err) < 0)
    return -1;
  if (index == 0)
    return nl_make_err (err, ENODEV, "%s", what);
  return index;
}

int
nl_link_add (int fd, const struct nl_link_new *l, struct nl_err *err)
{
  struct req r;
  char what[96];
  snprintf (what, sizeof what, "create %s %s", l->kind, l->name);
  struct ifinfomsg *ifi = req_init (&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifi);
  ifi->ifi_family = AF_UNSPEC;
  attr_str (&r, IFLA_IFNAME, l->name);
  if (l->mtu > 0)
    attr_u32 (&r, IFLA_MTU, l->mtu);
  if (l->mac)
    attr (&r, IFLA_ADDRESS, l->mac, 6);
  struct rtattr *info = nest_start (&r, IFLA_LINKINFO);
  attr_str (&r, IFLA_INFO_KIND, l->kind);
  if (strcmp (l->kind, "veth") == 0 && l->peer)
    {
      struct rtattr *data = nest_start (&r, IFLA_INFO_DATA);
      struct rtattr *peer = nest_start (&r, VETH_INFO_PEER);
      struct ifinfomsg *pi = raw (&r, sizeof *pi);
      pi->ifi_family = AF_UNSPEC;
      attr_str (&r, IFLA_IFNAME, l->peer);
      if (l->mtu > 0)
        attr_u32 (&r, IFLA_MTU, l->mtu);
      if (l->peer_mac)
        attr (&r, IFLA_ADDRESS, l->peer_mac, 6);
      if (l->peer_nsfd >= 0)
        attr_u32 (&r, IFLA_NET_NS_FD, l->peer_nsfd);
      nest_end (&r, peer);
      nest_end (&r, data);
    }
  nest_end (&r, info);
  return talk (fd, &r, what, NULL, NULL, err);
}

int
nl_link_del (int fd, const char *name, struct nl_err *err)
{
  struct req r;
  char what[64];
  snprintf (what, sizeof what, "delete link %s", name);
  struct ifinfomsg *ifi = req_init (&r, RTM_DELLINK, 0, sizeof *ifi);
  ifi->ifi_family = AF_UNSPEC;
  attr_str (&r, IFLA_IFNAME, name);
  return talk (fd, &r, what, NULL, NULL, err);
}

int
nl_link_set (int fd, const struct nl_link_set *s, struct nl_err *err)
{
  struct req r;
  char what[64];
  snprintf (what, sizeof what, "set link %s", s->name);
  int index = nl_link_index (fd, s->name, err);
  if (index < 0)
    return -1;
  int master = -1;
  if (s->master && *s->master)
    {
      master = nl_link_index (fd, s->master, err);
      if (master < 0)
        return -1;
    }
  else if (s->master)
    master = 0;
  struct ifinfomsg *ifi = req_init (&r, RTM_NEWLINK, 0, sizeof *ifi);
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = index;
  if (s->up >= 0)
    {
      ifi->ifi_change = IFF_UP;
      ifi->ifi_flags = s->up ? IFF_UP : 0;
    }
  if (s->mtu > 0)
    attr_u32 (&r, IFLA_MTU, s->mtu);
  if (s->mac)
    attr (&r, IFLA_ADDRESS, s->mac, 6);
  if (master >= 0)
    attr_u32 (&r, IFLA_MASTER, master);
  if (s->new_name)
    attr_str (&r, IFLA_IFNAME, s->new_name);
  if (s->nsfd >= 0)
    attr_u32 (&r, IFLA_NET_NS_FD, s->nsfd);
  return talk (fd, &r, what, NULL, NULL, err);
}

/* ---- addresses and routes ---- */

static size_t
ip_len (const struct nl_ip *ip)
{
  return ip->family == AF_INET6 ? 16 : 4;
}

int
nl_addr_add (int fd, const char *dev, const struct nl_ip *addr, int prefix, struct nl_err *err)
{
  struct req r;
  char what[64];
  snprintf (what, sizeof what, "add address to %s", dev);
  int index = nl_link_index (fd, dev, err);
  if (index < 0)
    return -1;
  struct ifaddrmsg *ifa = req_init (&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof *ifa);
  ifa->ifa_family = addr->family;
  ifa->ifa_prefixlen = prefix;
  ifa->ifa_index = index;
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  attr (&r, IFA_LOCAL, addr->addr, ip_len (addr));
  attr (&r, IFA_ADDRESS, addr->addr, ip_len (addr));
  if (addr->family == AF_INET6)
    {
      ifa->ifa_flags = IFA_F_NODAD;
      attr_u32 (&r, IFA_FLAGS, IFA_F_NODAD);
    }
  else if (prefix < 31)
    {
      uint32_t a;
      memcpy (&a, addr->addr, 4);
      uint32_t mask = prefix ? htonl (~0u << (32 - prefix)) : 0;
      uint32_t brd = a | ~mask;
      attr (&r, IFA_BROADCAST, &brd, 4);
    }
  return talk (fd, &r, what, NULL, NULL, err);
}

int
nl_route_add (int fd, const struct nl_ip *dst, int prefix, const struct nl_ip *gw, const char *dev, struct nl_err *err)
{
  struct req r;
  char what[64];
  snprintf (what, sizeof what, "add route via %s", dev ? dev : "gateway");
  int index = 0;
  if (dev && (index = nl_link_index (fd, dev, err)) < 0)
    return -1;
  int family = dst->family != AF_UNSPEC ? dst->family : gw->family != AF_UNSPEC ? gw->family : AF_INET;
  struct rtmsg *rt = req_init (&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof *rt);
  rt->rtm_family = family;
  rt->rtm_dst_len = prefix;
  rt->rtm_table = RT_TABLE_MAIN;
  rt->rtm_protocol = RTPROT_BOOT;
  rt->rtm_scope = gw->family != AF_UNSPEC ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  rt->rtm_type = RTN_UNICAST;
  if (prefix > 0)
    attr (&r, RTA_DST, dst->addr, ip_len (dst));
  if (gw->family != AF_UNSPEC)
    attr (&r, RTA_GATEWAY, gw->addr, ip_len (gw));
  if (index)
    attr_u32 (&r, RTA_OIF, index);
  return talk (fd, &r, what, NULL, NULL, err);
}

/* ---- dumps ---- */

struct vec
{
  void *items;
  int n, cap;
  size_t size;
};

static void *
vec_push (struct vec *v)
{
  if (v->n == v->cap)
    {
      int cap = v->cap ? v->cap * 2 : 16;
      void *p = realloc (v->items, cap * v->size);
      if (!p)
        return NULL;
      v->items = p;
      v->cap = cap;
    }
  void *item = (char *) v->items + v->size * v->n++;
  memset (item, 0, v->size);
  return item;
}

static int
link_cb (struct nlmsghdr *nh, void *data)
{
  if (nh->nlmsg_type != RTM_NEWLINK)
    return 0;
  struct ifinfomsg *ifi = NLMSG_DATA (nh);
  struct nl_link_info *l = vec_push (data);
  if (!l)
    return -1;
  l->index = ifi->ifi_index;
  l->up = !!(ifi->ifi_flags & IFF_UP);
  int len = IFLA_PAYLOAD (nh);
  for (struct rtattr *a = IFLA_RTA (ifi); RTA_OK (a, len); a = RTA_NEXT (a, len))
    {
      switch (a->rta_type)
        {
        case IFLA_IFNAME:
          snprintf (l->name, sizeof l->name, "%s", (char *) RTA_DATA (a));
          break;
        case IFLA_MTU:
          l->mtu = *(uint32_t *) RTA_DATA (a);
          break;
        case IFLA_MASTER:
          l->master = *(uint32_t *) RTA_DATA (a);
          break;
        case IFLA_ADDRESS:
          if (RTA_PAYLOAD (a) == 6)
            memcpy (l->mac, RTA_DATA (a), 6);
          break;
        case IFLA_LINKINFO:
          {
            int ilen = RTA_PAYLOAD (a);
            for (struct rtattr *i = RTA_DATA (a); RTA_OK (i, ilen); i = RTA_NEXT (i, ilen))
              if (i->rta_type == IFLA_INFO_KIND)
                snprintf (l->kind, sizeof l->kind, "%s", (char *) RTA_DATA (i));
            break;
          }
        }
    }
  return 0;
}

int
nl_link_list (int fd, struct nl_link_info **out, int *n, struct nl_err *err)
{
  struct req r;
  struct ifinfomsg *ifi = req_init (&r, RTM_GETLINK, NLM_F_DUMP, sizeof *ifi);
  ifi->ifi_family = AF_UNSPEC;
  attr_u32 (&r, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
  struct vec v = { .size = sizeof (struct nl_link_info) };
  if (talk (fd, &r, "list links", link_cb, &v, err) < 0)
    {
      free (v.items);
      return -1;
    }
  *out = v.items;
  *n = v.n;
  return 0;
}

static int
route_cb (struct nlmsghdr *nh, void *data)
{
  if (nh->nlmsg_type != RTM_NEWROUTE)
    return 0;
  struct rtmsg *rt = NLMSG_DATA (nh);
  if ((rt->rtm_family != AF_INET && rt->rtm_family != AF_INET6) || rt->rtm_table != RT_TABLE_MAIN
      || rt->rtm_type != RTN_UNICAST)
    return 0;
  struct nl_route_info *ri = vec_push (data);
  if (!ri)
    return -1;
  size_t alen = rt->rtm_family == AF_INET6 ? 16 : 4;
  ri->dst.family = rt->rtm_family;
  ri->gw.family = AF_UNSPEC;
  ri->prefix = rt->rtm_dst_len;
  int len = RTM_PAYLOAD (nh);
  for (struct rtattr *a = RTM_RTA (rt); RTA_OK (a, len); a = RTA_NEXT (a, len))
    {
      if (a->rta_type == RTA_DST && RTA_PAYLOAD (a) == alen)
        memcpy (ri->dst.addr, RTA_DATA (a), alen);
      else if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD (a) == alen)
        {
          ri->gw.family = rt->rtm_family;
          memcpy (ri->gw.addr, RTA_DATA (a), alen);
        }
      else if (a->rta_type == RTA_OIF)
        ri->oif = *(uint32_t *) RTA_DATA (a);
    }
  return 0;
}

int
nl_route_list (int fd, struct nl_route_info **out, int *n, struct nl_err *err)
{
  struct req r;
  struct rtmsg *rt = req_init (&r, RTM_GETROUTE, NLM_F_DUMP, sizeof *rt);
  rt->rtm_family = AF_UNSPEC;
  struct vec v = { .size = sizeof (struct nl_route_info) };
  if (talk (fd, &r, "list routes", route_cb, &v, err) < 0)
    {
      free (v.items);
      return -1;
    }
  *out = v.items;
  *n = v.n;
  return 0;
}

static int
addr_cb (struct nlmsghdr *nh, void *data)
{
  if (nh->nlmsg_type != RTM_NEWADDR)
    return 0;
  struct ifaddrmsg *ifa = NLMSG_DATA (nh);
  if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
    return 0;
  struct nl_addr_info *ai = vec_push (data);
  if (!ai)
    return -1;
  size_t alen = ifa->ifa_family == AF_INET6 ? 16 : 4;
  ai->index = ifa->ifa_index;
  ai->prefix = ifa->ifa_prefixlen;
  ai->addr.family = ifa->ifa_family;
  bool local = false;
  int len = IFA_PAYLOAD (nh);
  for (struct rtattr *a = IFA_RTA (ifa); RTA_OK (a, len); a = RTA_NEXT (a, len))
    if (RTA_PAYLOAD (a) == alen && (a->rta_type == IFA_LOCAL || (a->rta_type == IFA_ADDRESS && !local)))
      {
        memcpy (ai->addr.addr, RTA_DATA (a), alen);
        local = local || a->rta_type == IFA_LOCAL;
      }
  return 0;
}

int
nl_addr_list (int fd, struct nl_addr_info **out, int *n, struct nl_err *err)
{
  struct req r;
  struct ifaddrmsg *ifa = req_init (&r, RTM_GETADDR, NLM_F_DUMP, sizeof *ifa);
  ifa->ifa_family = AF_UNSPEC;
  struct vec v = { .size = sizeof (struct nl_addr_info) };
  if (talk (fd, &r, "list addresses", addr_cb, &v, err) < 0)
    {
      free (v.items);
      return -1;
    }
  *out = v.items;
  *n = v.n;
  return 0;
}
