// Published host ports: berthd binds the socket here and hands the fd to the container's
// berth-monitor at spawn, which serves the port (network/host-ports.ts explains the split).
//
//   bindHostPort(proto: 'tcp' | 'udp', ip: string, port: number) → { fd, port }
//
// ip is an IPv4 or IPv6 literal ('' = 0.0.0.0); port 0 lets the kernel choose a free one.
// TCP sockets listen (SO_REUSEADDR, so TIME_WAIT leftovers of a previous holder don't block
// a rebind, as Go's net.Listen has it); UDP sockets do not reuse, so a port bound twice fails.
// IPv6 sockets are v6-only: [::]:PORT and 0.0.0.0:PORT are separate bindings. Every fd is
// close-on-exec; the caller owns and closes it. Errors carry `code` (EADDRINUSE, ...).
#include "errno-error.h"
#include "ports.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace {

Napi::Value BindHostPort(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsString() || !info[2].IsNumber()) {
    Napi::TypeError::New(env, "bindHostPort(proto, ip, port)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string proto = info[0].As<Napi::String>().Utf8Value();
  std::string ip = info[1].As<Napi::String>().Utf8Value();
  int64_t port = info[2].As<Napi::Number>().Int64Value();
  if ((proto != "tcp" && proto != "udp") || port < 0 || port > 65535) {
    Napi::TypeError::New(env, "bindHostPort: bad proto or port").ThrowAsJavaScriptException();
    return env.Undefined();
  }

  sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t len;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (ip.empty() || inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof *v4;
  } else if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof *v6;
  } else {
    Napi::TypeError::New(env, "bindHostPort: not an IP address: " + ip).ThrowAsJavaScriptException();
    return env.Undefined();
  }

  bool tcp = proto == "tcp";
  int fd = socket(ss.ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(env, errno, "socket");
  int one = 1;
  int err = 0;
  const char* step = "setsockopt";
  if (tcp && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) err = errno;
  if (!err && ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) err = errno;
  if (!err && bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0) { err = errno; step = "bind"; }
  if (!err && tcp && listen(fd, SOMAXCONN) < 0) { err = errno; step = "listen"; }
  if (!err && getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) < 0) { err = errno; step = "getsockname"; }
  if (err) {
    close(fd);
    return ThrowErrno(env, err, step);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("fd", Napi::Number::New(env, fd));
  out.Set("port", Napi::Number::New(env, ntohs(ss.ss_family == AF_INET ? v4->sin_port : v6->sin6_port)));
  return out;
}

}  // namespace

namespace berth {
void InitPorts(Napi::Env env, Napi::Object exports) {
  exports.Set("bindHostPort", Napi::Function::New(env, BindHostPort, "bindHostPort"));
}
}  // namespace berth
