#pragma once
#include <napi.h>

namespace berth {
// extractLayer(src: string | number /* path or readable fd */, destDir: string) → Promise<{size}>
// pipe() → [readFd, writeFd]
void InitExtract(Napi::Env env, Napi::Object exports);
}
