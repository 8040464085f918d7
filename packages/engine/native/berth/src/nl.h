/* rtnetlink over a raw NETLINK_ROUTE socket: links, addresses, routes; network namespaces.
 * Every fallible function returns -1 after filling `struct nl_err` (errno + message). */
#ifndef BERTH_NL_H
#define BERTH_NL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nl_err
{
  int errnum;
  char msg[512];
};

int nl_make_err (struct nl_err *err, int errnum, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));

/* A bound NETLINK_ROUTE socket in the calling thread's netns. */
int nl_socket (struct nl_err *err);

/* A NETLINK_ROUTE socket in the current netns (nspath NULL) or in the netns bound at nspath. */
int nl_open (const char *nspath, struct nl_err *err);

struct nl_link_new
{
  const char *kind; /* "bridge" or "veth" */
  const char *name;
  int mtu;          /* 0: kernel default */
  const unsigned char *mac; /* NULL: random */
  /* veth only */
  const char *peer;
  int peer_nsfd;    /* -1: same netns */
  const unsigned char *peer_mac;
};
int nl_link_add (int fd, const struct nl_link_new *l, struct nl_err *err);
int nl_link_del (int fd, const char *name, struct nl_err *err);

struct nl_link_set
{
  const char *name;
  int up;            /* -1 unchanged, 0 down, 1 up */
  const char *master; /* NULL unchanged, "" nomaster */
  int mtu;           /* 0 unchanged */
  const unsigned char *mac; /* NULL unchanged */
  const char *new_name;     /* NULL unchanged */
  int nsfd;          /* -1 unchanged: move into this netns */
};
int nl_link_set (int fd, const struct nl_link_set *s, struct nl_err *err);

/* Index of a link by name in fd's netns; 0 with errnum ENODEV when absent. */
int nl_link_index (int fd, const char *name, struct nl_err *err);

/* An IPv4 or IPv6 address in network byte order (family AF_INET or AF_INET6; AF_UNSPEC: none). */
struct nl_ip
{
  int family;
  unsigned char addr[16];
};

/* IPv6 addresses are added without duplicate address detection (usable at once, as Docker adds them). */
int nl_addr_add (int fd, const char *dev, const struct nl_ip *addr, int prefix, struct nl_err *err);
/* dst of family AF_UNSPEC: the default route of gw's family. */
int nl_route_add (int fd, const struct nl_ip *dst, int prefix, const struct nl_ip *gw, const char *dev, struct nl_err *err);

struct nl_link_info
{
  int index;
  char name[16];
  char kind[16];
  int master;
  int mtu;
  unsigned char mac[6];
  int up;
};
struct nl_route_info
{
  struct nl_ip dst;
  int prefix;
  struct nl_ip gw; /* family AF_UNSPEC: no gateway */
  int oif;
};
struct nl_addr_info
{
  int index;
  struct nl_ip addr;
  int prefix;
};
/* Dumps: *out is malloc'd, caller frees. Routes (main table, unicast) and addresses of both families. */
int nl_link_list (int fd, struct nl_link_info **out, int *n, struct nl_err *err);
int nl_route_list (int fd, struct nl_route_info **out, int *n, struct nl_err *err);
int nl_addr_list (int fd, struct nl_addr_info **out, int *n, struct nl_err *err);

/* Network namespaces kept as bind-mounted nsfs files. */
int ns_create (const char *path, struct nl_err *err);
int ns_delete (const char *path, struct nl_err *err);

#ifdef __cplusplus
}
#endif
#endif
