// Mounts for the storage layer: mount(2), umount2(2), overlay through fsopen/fsconfig (mount.cc).
#pragma once
#include <napi.h>

namespace berth {
void InitMount(Napi::Env env, Napi::Object exports);
}
