// Extended attributes of berthd's own directories: a snapshot's metadata (src/storage/snapshots.ts)
// is an attribute of its directory, so writing it is one journaled metadata change — atomic, in
// order with the directory's own creation and renames, with no file data to flush.
//
//   setXattr(path, name, value) → void          setxattr(2), synchronous
//   getXattr(path, name) → string | null        null when the attribute (or the path) is not there
#include "errno-error.h"
#include "xattr.h"

#include <errno.h>
#include <string.h>
#include <sys/xattr.h>

#include <string>
#include <vector>

namespace {

Napi::Value SetXattr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsString() || !info[2].IsString()) {
    Napi::TypeError::New(env, "setXattr(path: string, name: string, value: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string path = info[0].As<Napi::String>().Utf8Value(), name = info[1].As<Napi::String>().Utf8Value();
  std::string value = info[2].As<Napi::String>().Utf8Value();
  if (lsetxattr(path.c_str(), name.c_str(), value.data(), value.size(), 0) != 0) return ThrowErrno(env, errno, "setxattr " + path);
  return env.Undefined();
}

Napi::Value GetXattr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsString()) {
    Napi::TypeError::New(env, "getXattr(path: string, name: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::string path = info[0].As<Napi::String>().Utf8Value(), name = info[1].As<Napi::String>().Utf8Value();
  std::vector<char> buf(512);
  for (;;) {
    ssize_t n = lgetxattr(path.c_str(), name.c_str(), buf.data(), buf.size());
    if (n >= 0) return Napi::String::New(env, buf.data(), static_cast<size_t>(n));
    if (errno == ENODATA || errno == ENOENT || errno == ENOTDIR) return env.Null();
    if (errno != ERANGE) return ThrowErrno(env, errno, "getxattr " + path);
    ssize_t need = lgetxattr(path.c_str(), name.c_str(), nullptr, 0);
    if (need < 0) return ThrowErrno(env, errno, "getxattr " + path);
    buf.resize(static_cast<size_t>(need) + 1);
  }
}

}  // namespace

namespace berth {
void InitXattr(Napi::Env env, Napi::Object exports) {
  exports.Set("setXattr", Napi::Function::New(env, SetXattr, "setXattr"));
  exports.Set("getXattr", Napi::Function::New(env, GetXattr, "getXattr"));
}
}  // namespace berth
