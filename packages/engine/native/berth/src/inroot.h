// In-root file access: the pieces every operation on a container's or a build context's files
// shares (see inroot.cc for the design).
#pragma once
#include <napi.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace berth {

// An error out-parameter, in berth-monitor's manner: `code` is an errno (0 for a refusal that is
// no system error), `msg` the text JS shows.
struct Err {
  int code = 0;
  std::string msg;
  bool set() const { return !msg.empty(); }
};
bool Fail(Err* err, int code, std::string msg);
std::string Quote(const std::string& s);

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept { reset(o.release()); return *this; }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  void reset(int fd = -1);
  int release() { int f = fd_; fd_ = -1; return f; }
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }
 private:
  int fd_ = -1;
};

// Where an operation runs: a host directory (a context, a layer, a stopped container's mount),
// or the root of a running container's init process (pid, checked against its container id).
struct RootSpec {
  std::string dir;
  int pid = 0;
  std::string id;
  std::string Describe() const;
};
bool ParseRoot(const Napi::Value& v, RootSpec* out, std::string* why);

// Inside the root, on the operation's own thread (its fs context unshared, chrooted — in the
// container's mount namespace for a running one). Every path is absolute in the root.
class Root {
 public:
  bool Enter(const RootSpec& spec, Err* err);
  // openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra) from the root's fd; plain openat
  // under the chroot where the kernel has no openat2. Sets errno on failure.
  int Open(const std::string& path, int flags, mode_t mode = 0, uint64_t extra = 0) const;
  // Every symlink followed inside the root; components that do not exist appended as they are
  // (moby's FollowSymlinkInScope). ELOOP past 255 links.
  bool Resolve(const std::string& path, std::string* out, Err* err) const;
  int fd() const { return fd_.get(); }
 private:
  Fd fd_;
};

// Path text helpers: components, "/a/b" joins, dirname/basename of a clean path.
std::vector<std::string> Components(const std::string& p);
std::string JoinPath(const std::string& dir, const std::string& rel);
std::string DirOf(const std::string& p);
std::string BaseOf(const std::string& p);

// One operation: `work` runs on a new thread inside the root (after `Enter`), `done` builds the
// result on the JS thread. `owned` fds are closed when the work ends, whatever happens.
struct Op {
  RootSpec root;
  std::vector<int> owned;
  std::function<void(Root&, Err*)> work;
  std::function<Napi::Value(Napi::Env)> done;
};
Napi::Promise RunOp(Napi::Env env, Op* op);

void InitInRoot(Napi::Env env, Napi::Object exports);
void InitArchive(Napi::Env env, Napi::Object exports);

}  // namespace berth
