// A failed system call as a JS exception with Node's shape: message, code ("ENOENT"), errno.
#pragma once

#include <napi.h>
#include <string.h>

#include <string>

inline Napi::Value ThrowErrno(Napi::Env env, int errnum, const std::string& what) {
  Napi::Error err = Napi::Error::New(env, what + ": " + strerror(errnum));
  const char* name = strerrorname_np(errnum);
  err.Set("code", Napi::String::New(env, name ? name : "EUNKNOWN"));
  err.Set("errno", Napi::Number::New(env, errnum));
  err.ThrowAsJavaScriptException();
  return env.Undefined();
}
