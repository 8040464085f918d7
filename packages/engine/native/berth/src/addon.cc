// Module entry: each area registers its functions on `exports`.
#include <napi.h>
#include "inroot.h"
#include "mount.h"
#include "netlink.h"
#include "ports.h"
#include "xattr.h"

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  berth::InitInRoot(env, exports);
  berth::InitArchive(env, exports);
  berth::InitMount(env, exports);
  berth::InitPorts(env, exports);
  berth::InitNetlink(env, exports);
  berth::InitXattr(env, exports);
  return exports;
}

NODE_API_MODULE(berth_native, Init)
