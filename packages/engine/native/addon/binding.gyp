# berthd's N-API addon (node-addon-api 8). One module, one source file per area:
#   extract.cc  layer extraction with libarchive (tar, tar.gz, tar.zst), overlay whiteouts
#   ports.cc    published host ports bound for berth-monitor
{
  "targets": [
    {
      "target_name": "berth_native",
      "sources": ["src/addon.cc", "src/extract.cc", "src/ports.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-larchive"]
    }
  ]
}
