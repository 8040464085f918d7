# berthd's N-API addon (node-addon-api 8). One module, one source file per area:
#   inroot.cc   in-root file access: a thread per operation, chrooted (in the container's mount
#               namespace for a running one), openat2 RESOLVE_IN_ROOT; open, stat, readdir, bind
#   archive.cc  tar in and out of a root with libarchive: the one extractor (layers with overlay
#               whiteouts, contexts, COPY, cp) and the one archiver (cp, export, diffs, copy-up)
#   mount.cc    mount(2)/umount2(2) and overlay through fsopen/fsconfig/fsmount (the storage layer)
#   ports.cc    published host ports bound for berth-monitor
#   xattr.cc    extended attributes of berthd's own directories (snapshot metadata)
#   netlink.cc  rtnetlink (nl.c: links, addresses, routes; netns.c: sockets in a netns, nsfs mounts)
{
  "targets": [
    {
      "target_name": "berth_native",
      "sources": ["src/addon.cc", "src/inroot.cc", "src/archive.cc", "src/mount.cc", "src/ports.cc", "src/netlink.cc", "src/xattr.cc", "src/nl.c", "src/netns.c"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "_GNU_SOURCE"],
      "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-larchive", "-lpthread"]
    }
  ]
}
