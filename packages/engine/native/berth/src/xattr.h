// Extended attributes of berthd's own directories (xattr.cc).
#pragma once
#include <napi.h>

namespace berth {
void InitXattr(Napi::Env env, Napi::Object exports);
}
