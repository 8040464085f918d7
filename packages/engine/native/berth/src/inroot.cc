// In-root file access. Every path berthd opens on behalf of a container or a build context is
// resolved inside that root by the kernel, never checked in JS and opened later (a container can
// swap a directory for a symlink in between: CVE-2018-15664).
//
// Each operation runs on a thread of its own — never libuv's pool, whose threads are reused and
// may be needed by JS to feed a pipe the operation reads. The thread unshare(CLONE_FS)s, so its
// root and cwd are its own, then
//   - a host directory (build context, layer, a stopped container's private mount): chroot into it;
//   - a running container: setns into its mount namespace and chroot into /proc/<pid>/root, so
//     the container's own mounts are there (volumes, read-only binds) and its mountpoints are
//     local ones (a bind-mounted file cannot be unlinked from under the mount).
// Under the chroot every path is resolved with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
// from the root's fd (plain openat, still chrooted, where the kernel lacks openat2), and files
// are then handled through fds and *at() calls on single names.
//
//   openInRoot(root, path, flags, mode?) → Promise<fd>
//   statInRoot(root, paths, {follow?, resolve?}) → Promise<(Stat | null)[]>
//   readdirInRoot(root, path) → Promise<string[]>
//   unlinkInRoot(root, path) → Promise<boolean>   (a file; the last name is not followed)
//   bindMountInRoot(source, root, target, readonly) → Promise<void>   (target resolved in root)
//   pipe() → [readFd, writeFd]
// root: a directory path, or {pid, id} for a running container (its cgroup must name `id`).
#include "inroot.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <dirent.h>

namespace berth {

bool Fail(Err* err, int code, std::string msg) {
  if (!err->set()) { err->code = code; err->msg = std::move(msg); }
  return false;
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

void Fd::reset(int fd) {
  if (fd_ >= 0) close(fd_);
  fd_ = fd;
}

std::string RootSpec::Describe() const { return pid ? "container process " + std::to_string(pid) : dir; }

bool ParseRoot(const Napi::Value& v, RootSpec* out, std::string* why) {
  if (v.IsString()) { out->dir = v.As<Napi::String>().Utf8Value(); return !out->dir.empty(); }
  if (v.IsObject()) {
    Napi::Object o = v.As<Napi::Object>();
    if (o.Get("pid").IsNumber() && o.Get("id").IsString()) {
      out->pid = o.Get("pid").As<Napi::Number>().Int32Value();
      out->id = o.Get("id").As<Napi::String>().Utf8Value();
      return out->pid > 0 && out->id.size() >= 12;
    }
  }
  *why = "root: a directory path or {pid, id}";
  return false;
}

std::vector<std::string> Components(const std::string& p) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string::npos) j = p.size();
    std::string c = p.substr(i, j - i);
    if (!c.empty() && c != ".") out.push_back(c);
    i = j + 1;
  }
  return out;
}

std::string JoinPath(const std::string& dir, const std::string& rel) {
  if (rel.empty()) return dir.empty() ? "/" : dir;
  if (dir.empty() || dir == "/") return "/" + rel;
  return dir + "/" + rel;
}

std::string DirOf(const std::string& p) {
  size_t i = p.rfind('/');
  if (i == std::string::npos) return "";
  return i == 0 ? "/" : p.substr(0, i);
}

std::string BaseOf(const std::string& p) {
  size_t i = p.rfind('/');
  return i == std::string::npos ? p : p.substr(i + 1);
}

namespace {

std::atomic<bool> noOpenat2{false};

// The container's init still is the container's: its cgroup path names the container id.
bool CheckCgroup(int procfd, const std::string& id, Err* err) {
  Fd f(openat(procfd, "cgroup", O_RDONLY | O_CLOEXEC));
  if (!f.ok()) return Fail(err, errno, "container process is gone: " + std::string(strerror(errno)));
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = read(f.get(), buf, sizeof buf)) > 0) text.append(buf, n);
  if (text.find(id) == std::string::npos) return Fail(err, ESRCH, "container process is gone");
  return true;
}

}  // namespace

bool Root::Enter(const RootSpec& spec, Err* err) {
  Fd rootfd, mntns;
  if (spec.pid) {
    Fd proc(open(("/proc/" + std::to_string(spec.pid)).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!proc.ok()) return Fail(err, errno, "container process is gone: " + std::string(strerror(errno)));
    if (!CheckCgroup(proc.get(), spec.id, err)) return false;
    mntns.reset(openat(proc.get(), "ns/mnt", O_RDONLY | O_CLOEXEC));
    rootfd.reset(openat(proc.get(), "root", O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!mntns.ok() || !rootfd.ok()) return Fail(err, errno, "container process is gone: " + std::string(strerror(errno)));
  } else {
    rootfd.reset(open(spec.dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!rootfd.ok()) return Fail(err, errno, spec.dir + ": " + strerror(errno));
  }
  if (unshare(CLONE_FS) != 0) return Fail(err, errno, std::string("unshare(CLONE_FS): ") + strerror(errno));
  if (mntns.ok() && setns(mntns.get(), CLONE_NEWNS) != 0) return Fail(err, errno, std::string("setns(mnt): ") + strerror(errno));
  if (fchdir(rootfd.get()) != 0 || chroot(".") != 0) return Fail(err, errno, "chroot into " + spec.Describe() + ": " + strerror(errno));
  umask(0);
  fd_ = std::move(rootfd);
  return true;
}

int Root::Open(const std::string& path, int flags, mode_t mode, uint64_t extra) const {
  const char* p = path.empty() ? "/" : path.c_str();
  flags |= O_CLOEXEC | ((flags & O_PATH) ? 0 : O_NOCTTY);  // openat2 refuses O_PATH with anything else
  if (!noOpenat2.load()) {
    struct open_how how = {};
    how.flags = static_cast<uint64_t>(flags);
    how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra;
    int fd = static_cast<int>(syscall(SYS_openat2, fd_.get(), p, &how, sizeof how));
    if (fd >= 0 || errno != ENOSYS) return fd;
    noOpenat2.store(true);
  }
  if (extra & RESOLVE_NO_SYMLINKS) { errno = ENOSYS; return -1; }  // callers walk by components instead
  std::string abs = p[0] == '/' ? std::string(p) : "/" + std::string(p);
  return openat(AT_FDCWD, abs.c_str(), flags, mode);
}

bool Root::Resolve(const std::string& path, std::string* out, Err* err) const {
  std::vector<std::string> todo = Components(path);
  std::reverse(todo.begin(), todo.end());
  std::vector<std::string> done;
  int hops = 0;
  while (!todo.empty()) {
    std::string c = todo.back();
    todo.pop_back();
    if (c == "..") { if (!done.empty()) done.pop_back(); continue; }
    std::string cur;
    for (auto& d : done) cur += "/" + d;
    cur += "/" + c;
    // The parent is opened in the root; the last name is looked at without following it.
    Fd parent(Open(DirOf(cur), O_PATH | O_DIRECTORY));
    struct stat st;
    if (parent.ok() && fstatat(parent.get(), c.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
      if (++hops > 255) return Fail(err, ELOOP, "too many levels of symbolic links: " + path);
      char buf[4096];
      ssize_t n = readlinkat(parent.get(), c.c_str(), buf, sizeof buf - 1);
      if (n < 0) return Fail(err, errno, "readlink " + cur + ": " + strerror(errno));
      std::string target(buf, n);
      if (!target.empty() && target[0] == '/') done.clear();
      std::vector<std::string> more = Components(target);  // ".." kept: handled as the walk reaches it
      for (auto it = more.rbegin(); it != more.rend(); ++it) todo.push_back(*it);
      continue;
    }
    done.push_back(c);
  }
  std::string res;
  for (auto& d : done) res += "/" + d;
  *out = res.empty() ? "/" : res;
  return true;
}

// ---- running operations -----------------------------------------------------------------

namespace {

struct Running {
  Op* op;
  Err err;
  Napi::Promise::Deferred deferred;
  Napi::ThreadSafeFunction tsfn;
  explicit Running(Napi::Env env, Op* o) : op(o), deferred(Napi::Promise::Deferred::New(env)) {}
};

Napi::Error MakeError(Napi::Env env, const Err& err) {
  Napi::Error e = Napi::Error::New(env, err.msg);
  if (err.code) {
    const char* name = strerrorname_np(err.code);
    e.Set("code", Napi::String::New(env, name ? name : "EIO"));
    e.Set("errno", Napi::Number::New(env, err.code));
  }
  return e;
}

}  // namespace

Napi::Promise RunOp(Napi::Env env, Op* op) {
  Running* run = new Running(env, op);
  run->tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), "berth-inroot", 0, 1);
  Napi::Promise promise = run->deferred.Promise();
  std::thread([run]() {
    // The work runs on a thread of its own that is joined before the result is settled: its
    // root and cwd (and, for a container, its mount namespace) go with it, so the caller can
    // unmount the root as soon as the promise settles.
    std::thread([run]() {
      Root root;
      if (root.Enter(run->op->root, &run->err)) run->op->work(root, &run->err);
    }).join();
    for (int fd : run->op->owned) if (fd >= 0) close(fd);
    run->op->owned.clear();
    Napi::ThreadSafeFunction tsfn = run->tsfn;
    tsfn.BlockingCall(run, [](Napi::Env env, Napi::Function, Running* r) {
      Napi::HandleScope scope(env);
      if (r->err.set()) r->deferred.Reject(MakeError(env, r->err).Value());
      else r->deferred.Resolve(r->op->done ? r->op->done(env) : env.Undefined());
      delete r->op;
      delete r;
    });
    tsfn.Release();
  }).detach();
  return promise;
}

// ---- operations ------------------------------------------------------------------------------

namespace {

Napi::Value Reject(Napi::Env env, const std::string& msg) {
  auto d = Napi::Promise::Deferred::New(env);
  d.Reject(Napi::TypeError::New(env, msg).Value());
  return d.Promise();
}

Napi::Object StatObject(Napi::Env env, const struct stat& st) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("dev", Napi::Number::New(env, static_cast<double>(st.st_dev)));
  o.Set("ino", Napi::Number::New(env, static_cast<double>(st.st_ino)));
  o.Set("mode", Napi::Number::New(env, st.st_mode));
  o.Set("nlink", Napi::Number::New(env, static_cast<double>(st.st_nlink)));
  o.Set("uid", Napi::Number::New(env, st.st_uid));
  o.Set("gid", Napi::Number::New(env, st.st_gid));
  o.Set("rdev", Napi::Number::New(env, static_cast<double>(st.st_rdev)));
  o.Set("size", Napi::Number::New(env, static_cast<double>(st.st_size)));
  o.Set("mtimeMs", Napi::Number::New(env, st.st_mtim.tv_sec * 1e3 + st.st_mtim.tv_nsec / 1e6));
  o.Set("atimeMs", Napi::Number::New(env, st.st_atim.tv_sec * 1e3 + st.st_atim.tv_nsec / 1e6));
  return o;
}

// openInRoot(root, path, flags, mode?) → Promise<fd>
Napi::Value OpenInRoot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Op* op = new Op();
  std::string why;
  if (info.Length() < 3 || !ParseRoot(info[0], &op->root, &why) || !info[1].IsString() || !info[2].IsNumber()) {
    delete op;
    return Reject(env, "openInRoot(root, path: string, flags: number, mode?: number)");
  }
  std::string path = info[1].As<Napi::String>().Utf8Value();
  int flags = info[2].As<Napi::Number>().Int32Value();
  mode_t mode = info.Length() > 3 && info[3].IsNumber() ? info[3].As<Napi::Number>().Uint32Value() : 0;
  auto fd = std::make_shared<int>(-1);
  op->work = [path, flags, mode, fd](Root& root, Err* err) {
    *fd = root.Open(path, flags, mode);
    if (*fd < 0) Fail(err, errno, "open " + path + ": " + strerror(errno));
  };
  op->done = [fd](Napi::Env env) { return Napi::Number::New(env, *fd); };
  return RunOp(env, op);
}

struct StatResult {
  bool found = false;
  struct stat st {};
  std::string link;
  std::string resolved;
};

// statInRoot(root, paths, {follow, resolve}) → Promise<(Stat | null)[]>: lstat (stat with follow);
// a missing path (or parent) gives null. `resolve`: also the path with every symlink followed
// in the root. A symlink's own target text is `linkText`.
Napi::Value StatInRoot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Op* op = new Op();
  std::string why;
  if (info.Length() < 2 || !ParseRoot(info[0], &op->root, &why) || !info[1].IsArray()) {
    delete op;
    return Reject(env, "statInRoot(root, paths: string[], opts?: {follow?, resolve?})");
  }
  std::vector<std::string> paths;
  Napi::Array a = info[1].As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) paths.push_back(a.Get(i).ToString().Utf8Value());
  bool follow = false, resolve = false;
  if (info.Length() > 2 && info[2].IsObject()) {
    Napi::Object o = info[2].As<Napi::Object>();
    follow = o.Get("follow").ToBoolean();
    resolve = o.Get("resolve").ToBoolean();
  }
  auto results = std::make_shared<std::vector<StatResult>>(paths.size());
  op->work = [paths, follow, resolve, results](Root& root, Err* err) {
    for (size_t i = 0; i < paths.size(); i++) {
      StatResult& r = (*results)[i];
      std::vector<std::string> comps = Components(paths[i]);
      if (follow || comps.empty()) {
        Fd f(root.Open(paths[i], O_PATH));
        r.found = f.ok() && fstat(f.get(), &r.st) == 0;
      } else {
        std::string clean;
        for (auto& c : comps) clean += "/" + c;
        Fd parent(root.Open(DirOf(clean), O_PATH | O_DIRECTORY));
        std::string base = BaseOf(clean);
        r.found = parent.ok() && base != ".." && fstatat(parent.get(), base.c_str(), &r.st, AT_SYMLINK_NOFOLLOW) == 0;
        if (r.found && S_ISLNK(r.st.st_mode)) {
          char buf[4096];
          ssize_t n = readlinkat(parent.get(), base.c_str(), buf, sizeof buf);
          if (n > 0) r.link.assign(buf, n);
        }
        if (base == "..") {  // lstat of "x/..": what it names, as the kernel sees it
          Fd f(root.Open(clean, O_PATH));
          r.found = f.ok() && fstat(f.get(), &r.st) == 0;
        }
      }
      if (r.found && resolve && !root.Resolve(paths[i], &r.resolved, err)) return;
    }
  };
  op->done = [results](Napi::Env env) {
    Napi::Array out = Napi::Array::New(env, results->size());
    for (uint32_t i = 0; i < results->size(); i++) {
      const StatResult& r = (*results)[i];
      if (!r.found) { out.Set(i, env.Null()); continue; }
      Napi::Object o = StatObject(env, r.st);
      if (S_ISLNK(r.st.st_mode)) o.Set("linkText", Napi::String::New(env, r.link));
      if (!r.resolved.empty()) o.Set("resolved", Napi::String::New(env, r.resolved));
      out.Set(i, o);
    }
    return out;
  };
  return RunOp(env, op);
}

// readdirInRoot(root, path) → Promise<string[]> (sorted bytewise, as Go's filepath.Walk)
Napi::Value ReaddirInRoot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Op* op = new Op();
  std::string why;
  if (info.Length() < 2 || !ParseRoot(info[0], &op->root, &why) || !info[1].IsString()) {
    delete op;
    return Reject(env, "readdirInRoot(root, path: string)");
  }
  std::string path = info[1].As<Napi::String>().Utf8Value();
  auto names = std::make_shared<std::vector<std::string>>();
  op->work = [path, names](Root& root, Err* err) {
    int fd = root.Open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) { Fail(err, errno, "open " + path + ": " + strerror(errno)); return; }
    DIR* d = fdopendir(fd);
    if (!d) { close(fd); Fail(err, errno, "readdir " + path + ": " + strerror(errno)); return; }
    while (struct dirent* e = readdir(d)) {
      if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names->push_back(e->d_name);
    }
    closedir(d);
    std::sort(names->begin(), names->end());
  };
  op->done = [names](Napi::Env env) {
    Napi::Array out = Napi::Array::New(env, names->size());
    for (uint32_t i = 0; i < names->size(); i++) out.Set(i, Napi::String::New(env, (*names)[i]));
    return out;
  };
  return RunOp(env, op);
}

// bindMountInRoot(source, root, target, readonly) → Promise<void>: `source` (a host path: a
// volume's or a bind mount's directory) cloned (read-only if asked) and attached on `target`,
// an existing path resolved inside `root`, through fds only (open_tree + move_mount).
Napi::Value BindMountInRoot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Op* op = new Op();
  std::string why;
  if (info.Length() < 4 || !info[0].IsString() || !ParseRoot(info[1], &op->root, &why) || !info[2].IsString()) {
    delete op;
    return Reject(env, "bindMountInRoot(source: string, root, target: string, readonly: boolean)");
  }
  std::string source = info[0].As<Napi::String>().Utf8Value();
  std::string target = info[2].As<Napi::String>().Utf8Value();
  bool readonly = info[3].ToBoolean();
  int tree = open_tree(AT_FDCWD, source.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0) {
    int e = errno;
    delete op;
    auto d = Napi::Promise::Deferred::New(env);
    d.Reject(MakeError(env, Err{e, "bind " + source + ": " + strerror(e)}).Value());
    return d.Promise();
  }
  op->owned.push_back(tree);
  op->work = [tree, target, readonly](Root& root, Err* err) {
    if (readonly) {
      struct mount_attr attr = {};
      attr.attr_set = MOUNT_ATTR_RDONLY;
      if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0) { Fail(err, errno, std::string("read-only bind: ") + strerror(errno)); return; }
    }
    Fd t(root.Open(target, O_PATH));
    if (!t.ok()) { Fail(err, errno, "mount target " + target + ": " + strerror(errno)); return; }
    if (move_mount(tree, "", t.get(), "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0) {
      Fail(err, errno, "bind mount on " + target + ": " + strerror(errno));
    }
  };
  return RunOp(env, op);
}

// unlinkInRoot(root, path) → Promise<boolean>: removes a file (not a directory) inside the root;
// the last name itself is never followed. False when it was not there.
Napi::Value UnlinkInRoot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Op* op = new Op();
  std::string why;
  if (info.Length() < 2 || !ParseRoot(info[0], &op->root, &why) || !info[1].IsString()) {
    delete op;
    return Reject(env, "unlinkInRoot(root, path: string)");
  }
  std::string clean;
  for (auto& c : Components(info[1].As<Napi::String>().Utf8Value())) clean += "/" + c;
  auto removed = std::make_shared<bool>(false);
  op->work = [clean, removed](Root& root, Err* err) {
    if (clean.empty() || BaseOf(clean) == "..") { Fail(err, EINVAL, "unlink " + clean + ": invalid path"); return; }
    Fd parent(root.Open(DirOf(clean), O_PATH | O_DIRECTORY));
    if (!parent.ok()) return;
    if (unlinkat(parent.get(), BaseOf(clean).c_str(), 0) == 0) *removed = true;
    else if (errno != ENOENT) Fail(err, errno, "unlink " + clean + ": " + strerror(errno));
  };
  op->done = [removed](Napi::Env env) { return Napi::Boolean::New(env, *removed); };
  return RunOp(env, op);
}

Napi::Value Pipe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    Napi::Error::New(env, std::string("pipe: ") + strerror(errno)).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
  Napi::Array a = Napi::Array::New(env, 2);
  a.Set(uint32_t(0), Napi::Number::New(env, fds[0]));
  a.Set(uint32_t(1), Napi::Number::New(env, fds[1]));
  return a;
}

// glibc reads its charset-conversion configuration once per process, at the first iconv_open
// (libarchive's header conversions). Do that here, outside any root: under a chroot it would
// read — and could load modules named by — the container's own files.
void LoadConversionsOutsideRoots() {
  for (auto [to, from] : {std::pair{"UTF-8", "ANSI_X3.4-1968"}, std::pair{"ANSI_X3.4-1968", "UTF-8"}}) {
    iconv_t cd = iconv_open(to, from);
    if (cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cd);
  }
}

}  // namespace

void InitInRoot(Napi::Env env, Napi::Object exports) {
  LoadConversionsOutsideRoots();
  exports.Set("openInRoot", Napi::Function::New(env, OpenInRoot, "openInRoot"));
  exports.Set("statInRoot", Napi::Function::New(env, StatInRoot, "statInRoot"));
  exports.Set("readdirInRoot", Napi::Function::New(env, ReaddirInRoot, "readdirInRoot"));
  exports.Set("unlinkInRoot", Napi::Function::New(env, UnlinkInRoot, "unlinkInRoot"));
  exports.Set("bindMountInRoot", Napi::Function::New(env, BindMountInRoot, "bindMountInRoot"));
  exports.Set("pipe", Napi::Function::New(env, Pipe, "pipe"));
}

}  // namespace berth
