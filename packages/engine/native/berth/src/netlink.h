#pragma once
#include <napi.h>

namespace berth {
// Links (bridge, veth), addresses, routes and netns files over raw NETLINK_ROUTE sockets:
// linkAdd, linkDel, linkSet, linkIndex, addrAdd, routeAdd, links, routes, addrs, netnsCreate,
// netnsDelete. Synchronous; an optional last argument names the netns file to act in.
void InitNetlink(Napi::Env env, Napi::Object exports);
}
