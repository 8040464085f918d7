// Mounts for berthd's storage layer (src/storage/mount.ts): the syscalls, no `mount` process.
//
//   mount(source, target, fstype, flags, data) → Promise<void>            mount(2)
//   unmount(target, flags) → Promise<void>                                umount2(2)
//   mountOverlay(target, { lowerdirs, upperdir?, workdir?, flags, options })
//     → Promise<'fsconfig' | 'mount'>                                     the API that mounted it
//
// An overlay goes through the new mount API where the kernel has it: fsopen("overlay"), one
// fsconfig per lowerdir with `lowerdir+` (Linux ≥ 6.8: no limit but overlay's own, where
// mount(2) takes every option in one page), fsmount, move_mount. On an older kernel (no fsopen,
// or `lowerdir+` unknown) it falls back to mount(2); options longer than a page are then made
// relative to the paths' longest common parent, which becomes the thread's cwd (as Docker's
// overlay2 does with its l/ links).
//
// Each call runs on a thread of its own (RunOp, in berthd's mount namespace, its fs context
// unshared so the fallback may chdir). Errors carry `code` and `errno`; the message is the
// kernel's error text, with the overlay driver's own words from the fs context log when it has any.
#include "inroot.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace berth {

namespace {

Napi::Value Reject(Napi::Env env, const std::string& msg) {
  auto d = Napi::Promise::Deferred::New(env);
  d.Reject(Napi::TypeError::New(env, msg).Value());
  return d.Promise();
}

std::string Str(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

std::vector<std::string> Strings(const Napi::Object& o, const char* key) {
  std::vector<std::string> out;
  Napi::Value v = o.Get(key);
  if (!v.IsArray()) return out;
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Value e = a.Get(i);
    if (e.IsString()) out.push_back(e.As<Napi::String>().Utf8Value());
  }
  return out;
}

// The errors the kernel logged on an fs context ("e overlayfs: failed to resolve 'x': -2").
std::string ContextLog(int fsfd) {
  std::string out;
  char buf[512];
  for (;;) {
    ssize_t n = read(fsfd, buf, sizeof buf - 1);
    if (n <= 0) break;
    std::string line(buf, n);
    if (line.size() > 2 && line[1] == ' ') line = line.substr(2);
    out += (out.empty() ? "" : "; ") + line;
  }
  return out;
}

struct OverlaySpec {
  std::vector<std::string> lowers;
  std::string upper, work;
  unsigned long flags = 0;
  std::vector<std::string> options;  // other overlay options: "key=value" or "flag"
};

unsigned int MountAttrs(unsigned long flags) {
  unsigned int a = 0;
  if (flags & MS_RDONLY) a |= MOUNT_ATTR_RDONLY;
  if (flags & MS_NOSUID) a |= MOUNT_ATTR_NOSUID;
  if (flags & MS_NODEV) a |= MOUNT_ATTR_NODEV;
  if (flags & MS_NOEXEC) a |= MOUNT_ATTR_NOEXEC;
  if (flags & MS_NOATIME) a |= MOUNT_ATTR_NOATIME;
  else if (flags & MS_STRICTATIME) a |= MOUNT_ATTR_STRICTATIME;
  if (flags & MS_NODIRATIME) a |= MOUNT_ATTR_NODIRATIME;
  return a;
}

// The new mount API. False with *unsupported when this kernel lacks it (the caller falls back).
bool OverlayFsconfig(const OverlaySpec& s, const std::string& target, bool* unsupported, Err* err) {
  Fd fs(fsopen("overlay", FSOPEN_CLOEXEC));
  if (!fs.ok()) {
    if (errno == ENOSYS) { *unsupported = true; return false; }
    return Fail(err, errno, strerror(errno));
  }
  auto failWith = [&](int e, const std::string& log) { return Fail(err, e, log.empty() ? strerror(e) : std::string(strerror(e)) + " (" + log + ")"); };
  auto fail = [&](int e) { return failWith(e, ContextLog(fs.get())); };
  auto set = [&](const std::string& key, const std::string& value) {
    return fsconfig(fs.get(), FSCONFIG_SET_STRING, key.c_str(), value.c_str(), 0) == 0;
  };
  if (!set("source", "overlay")) return fail(errno);
  for (size_t i = 0; i < s.lowers.size(); i++) {
    if (set("lowerdir+", s.lowers[i])) continue;
    int e = errno;
    std::string log = ContextLog(fs.get());
    if (i == 0 && e == EINVAL && log.find("nknown parameter") != std::string::npos) {
      *unsupported = true;  // before Linux 6.8
      return false;
    }
    return failWith(e, log);
  }
  if (!s.upper.empty() && (!set("upperdir", s.upper) || !set("workdir", s.work))) return fail(errno);
  for (const auto& o : s.options) {
    size_t eq = o.find('=');
    bool ok = eq == std::string::npos ? fsconfig(fs.get(), FSCONFIG_SET_FLAG, o.c_str(), nullptr, 0) == 0
                                      : set(o.substr(0, eq), o.substr(eq + 1));
    if (!ok) return fail(errno);
  }
  if (fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) return fail(errno);
  Fd mnt(fsmount(fs.get(), FSMOUNT_CLOEXEC, MountAttrs(s.flags)));
  if (!mnt.ok()) return fail(errno);
  if (move_mount(mnt.get(), "", AT_FDCWD, target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0) return Fail(err, errno, strerror(errno));
  return true;
}

// The longest directory every absolute path shares ("/a/b" for "/a/b/c" and "/a/b/d/e").
std::string CommonDir(const std::vector<std::string>& paths) {
  if (paths.empty() || paths[0].empty() || paths[0][0] != '/') return "";
  std::string prefix = DirOf(paths[0]);
  for (const auto& p : paths) {
    if (p.empty() || p[0] != '/') return "";
    while (!prefix.empty() && prefix != "/" && p.compare(0, prefix.size() + 1, prefix + "/") != 0) prefix = DirOf(prefix);
  }
  return prefix == "/" ? "" : prefix;
}

bool OverlayMount2(const OverlaySpec& s, const std::string& target, Err* err) {
  std::vector<std::string> paths = s.lowers;
  if (!s.upper.empty()) { paths.push_back(s.upper); paths.push_back(s.work); }
  auto render = [&](const std::string& strip) {
    auto rel = [&](const std::string& p) { return strip.empty() ? p : p.substr(strip.size() + 1); };
    std::string data = "lowerdir=";
    for (size_t i = 0; i < s.lowers.size(); i++) data += (i ? ":" : "") + rel(s.lowers[i]);
    if (!s.upper.empty()) data += ",upperdir=" + rel(s.upper) + ",workdir=" + rel(s.work);
    for (const auto& o : s.options) data += "," + o;
    return data;
  };
  long page = sysconf(_SC_PAGESIZE);
  std::string data = render("");
  if (static_cast<long>(data.size()) >= page) {
    std::string common = CommonDir(paths);
    if (!common.empty()) {
      if (chdir(common.c_str()) != 0) return Fail(err, errno, "chdir " + common + ": " + strerror(errno));
      data = render(common);
    }
    if (static_cast<long>(data.size()) >= page) return Fail(err, E2BIG, "overlay options of " + std::to_string(data.size()) + " bytes: " + strerror(E2BIG));
  }
  if (mount("overlay", target.c_str(), "overlay", s.flags, data.c_str()) != 0) return Fail(err, errno, strerror(errno));
  return true;
}

Napi::Value Mount(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5 || !info[0].IsString() || !info[1].IsString() || !info[2].IsString() || !info[3].IsNumber() || !info[4].IsString()) {
    return Reject(env, "mount(source: string, target: string, fstype: string, flags: number, data: string)");
  }
  std::string source = info[0].As<Napi::String>().Utf8Value(), target = info[1].As<Napi::String>().Utf8Value();
  std::string fstype = info[2].As<Napi::String>().Utf8Value(), data = info[4].As<Napi::String>().Utf8Value();
  unsigned long flags = static_cast<unsigned long>(info[3].As<Napi::Number>().Int64Value());
  Op* op = new Op();
  op->root.dir = "/";
  op->work = [=](Root&, Err* err) {
    if (mount(source.empty() ? nullptr : source.c_str(), target.c_str(), fstype.empty() ? nullptr : fstype.c_str(), flags,
              data.empty() ? nullptr : data.c_str()) != 0) {
      Fail(err, errno, strerror(errno));
    }
  };
  return RunOp(env, op);
}

Napi::Value Unmount(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsNumber()) return Reject(env, "unmount(target: string, flags: number)");
  std::string target = info[0].As<Napi::String>().Utf8Value();
  int flags = info[1].As<Napi::Number>().Int32Value();
  Op* op = new Op();
  op->root.dir = "/";
  op->work = [=](Root&, Err* err) {
    if (umount2(target.c_str(), flags) != 0) Fail(err, errno, strerror(errno));
  };
  return RunOp(env, op);
}

Napi::Value MountOverlay(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsString() || !info[1].IsObject()) {
    return Reject(env, "mountOverlay(target: string, { lowerdirs, upperdir?, workdir?, flags, options })");
  }
  std::string target = info[0].As<Napi::String>().Utf8Value();
  Napi::Object o = info[1].As<Napi::Object>();
  auto spec = std::make_shared<OverlaySpec>();
  spec->lowers = Strings(o, "lowerdirs");
  spec->upper = Str(o, "upperdir");
  spec->work = Str(o, "workdir");
  spec->options = Strings(o, "options");
  Napi::Value f = o.Get("flags");
  spec->flags = f.IsNumber() ? static_cast<unsigned long>(f.As<Napi::Number>().Int64Value()) : 0;
  if (spec->lowers.empty() || spec->upper.empty() != spec->work.empty()) {
    return Reject(env, "mountOverlay: at least one lowerdir, and upperdir with workdir");
  }
  auto api = std::make_shared<std::string>("fsconfig");
  Op* op = new Op();
  op->root.dir = "/";
  op->work = [=](Root&, Err* err) {
    bool unsupported = false;
    if (OverlayFsconfig(*spec, target, &unsupported, err) || !unsupported) return;
    *api = "mount";
    OverlayMount2(*spec, target, err);
  };
  op->done = [api](Napi::Env env) { return Napi::String::New(env, *api); };
  return RunOp(env, op);
}

}  // namespace

void InitMount(Napi::Env env, Napi::Object exports) {
  exports.Set("mount", Napi::Function::New(env, Mount, "mount"));
  exports.Set("unmount", Napi::Function::New(env, Unmount, "unmount"));
  exports.Set("mountOverlay", Napi::Function::New(env, MountOverlay, "mountOverlay"));
}

}  // namespace berth
