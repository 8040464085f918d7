# berthd's rtnetlink addon (node-addon-api 8): raw NETLINK_ROUTE sockets, no libraries.
#   nl.c        message building, links (bridge, veth), addresses, routes, dumps
#   netns.c     sockets inside a netns (setns on a short-lived thread), nsfs bind mounts
#   binding.cc  the JS surface
{
  "targets": [
    {
      "target_name": "berth_netlink",
      "sources": ["src/nl.c", "src/netns.c", "src/binding.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "_GNU_SOURCE"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lpthread"]
    }
  ]
}
