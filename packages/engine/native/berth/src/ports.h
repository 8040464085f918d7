#pragma once
#include <napi.h>

namespace berth {
// bindHostPort(proto: 'tcp' | 'udp', ip: string, port: number) → { fd, port }
void InitPorts(Napi::Env env, Napi::Object exports);
}
