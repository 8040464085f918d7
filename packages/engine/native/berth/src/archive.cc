// Tar archives in and out of a root, with libarchive, on the in-root threads of inroot.cc. The
// one extractor for image layers, build contexts, COPY/ADD and PUT /containers/{id}/archive; the
// one archiver for GET /archive, export, COPY sources, volume copy-up and layer diffs.
//
//   extractInRoot(src: fd | path, root, dest, opts) → Promise<{ size }>
//     src: a readable fd (closed when done; what follows the archive's end is drained first) or
//     a host file; tar, plain or gzip / bzip2 / xz / zstd. opts:
//       layer                 an image layer: `.wh.` whiteouts become overlay ones, names must be
//                             relative without `..`, no entry may traverse a symlink
//       noOverwriteDirNonDir  Docker's cp: a directory is never replaced by a non-directory
//       owner: {uid, gid}     every entry's owner (else the archive's)
//       chmod                 every entry's mode (COPY --chmod)
//       createDest: {uid,gid} mkdir -p the destination with this owner (else it must exist)
//       topMeta               an entry "." gives the destination its owner, mode and times
//   tarInRoot(root, path, outFd, opts) → Promise<void>: `path` and what is below it as a tar on
//     outFd (closed when done). opts: follow (the top itself), skipTop, topName, childPrefix,
//     oneFileSystem, noDescend: [in-root paths], layer (an overlay upperdir as a Docker layer:
//     whiteouts, opaque markers), exclude / ignore: [in-root paths] (contents / everything skipped)
//   scanInRoot(root, path, opts) → Promise<{path, mode, size, mtimeMs, rdev, opaque}[]>: the same
//     walk, listed (for `docker diff`).
//
// Extraction works entry by entry through the directory fd of the entry's parent (resolved in
// the root, or walked component by component without following anything for a layer) and
// *at() calls on the entry's single name: O_EXCL | O_NOFOLLOW creates, fchown/fchmod on fds.
// Symlinks in existing parent directories are followed the way Docker's chrooted untar follows
// them — inside the root. The walk for archiving never follows a link below the top: each
// directory is opened by name from its parent's fd with O_NOFOLLOW and checked to be the inode
// that was listed.
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <dirent.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "inroot.h"

namespace berth {
namespace {

// Go's error texts are glibc's with a lower-case first letter.
std::string ErrText(int code) {
  std::string s = strerror(code);
  if (!s.empty()) s[0] = static_cast<char>(tolower(s[0]));
  return s;
}

const int kMaxDepth = 2048;  // PATH_MAX worth of one-letter names: Docker's own walk stops there

// ---- compression: only what libarchive has built in --------------------------------------
// (a filter libarchive would run as an external program would run it inside the root)

struct Filter { const char* name; int (*add)(struct archive*); bool builtin; };
Filter filters[] = {
  {"gzip", archive_read_support_filter_gzip, false},
  {"bzip2", archive_read_support_filter_bzip2, false},
  {"xz", archive_read_support_filter_xz, false},
  {"lzma", archive_read_support_filter_lzma, false},
  {"zstd", archive_read_support_filter_zstd, false},
};

void ProbeFilters() {
  for (auto& f : filters) {
    struct archive* a = archive_read_new();
    f.builtin = f.add(a) == ARCHIVE_OK;
    archive_read_free(a);
  }
}

struct ArchiveReader {
  struct archive* a = archive_read_new();
  ~ArchiveReader() { archive_read_free(a); }
};

bool ListDir(int dirfd, std::vector<std::string>* names) {
  int fd = dup(dirfd);
  if (fd < 0) return false;
  DIR* d = fdopendir(fd);
  if (!d) { close(fd); return false; }
  rewinddir(d);
  while (struct dirent* e = readdir(d)) {
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names->push_back(e->d_name);
  }
  closedir(d);
  std::sort(names->begin(), names->end());
  return true;
}

// Remove `name` in `dirfd` and everything below it (os.RemoveAll), never following a link.
bool RemoveAll(int dirfd, const std::string& name, const std::string& shown, int depth, Err* err) {
  struct stat st;
  if (fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT || Fail(err, errno, "lstat " + shown + ": " + ErrText(errno));
  if (S_ISDIR(st.st_mode)) {
    if (depth > kMaxDepth) return Fail(err, ENAMETOOLONG, "unlinkat " + shown + ": " + ErrText(ENAMETOOLONG));
    Fd d(openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!d.ok()) return Fail(err, errno, "open " + shown + ": " + ErrText(errno));
    std::vector<std::string> names;
    ListDir(d.get(), &names);
    for (auto& n : names) if (!RemoveAll(d.get(), n, shown + "/" + n, depth + 1, err)) return false;
    if (unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) return Fail(err, errno, "unlinkat " + shown + ": " + ErrText(errno));
    return true;
  }
  if (unlinkat(dirfd, name.c_str(), 0) != 0 && errno != ENOENT) return Fail(err, errno, "unlinkat " + shown + ": " + ErrText(errno));
  return true;
}

// ---- extraction ---------------------------------------------------------------------------

struct Owner { bool set = false; uid_t uid = 0; gid_t gid = 0; };

struct ExtractOpts {
  bool layer = false;
  bool noOverwriteDirNonDir = false;
  Owner owner;
  bool hasChmod = false;
  mode_t chmod = 0;
  Owner createDest;
  bool topMeta = false;
  std::string dest = "/";
};

struct DirTime { std::string dir, base; struct timespec ts[2]; };

class Extractor {
 public:
  Extractor(Root& root, const ExtractOpts& o, Err* err) : root_(root), o_(o), err_(err) {}
  int64_t size = 0;

  bool Run(int src) {
    if (!OpenDest()) return false;
    ArchiveReader in;
    for (auto& f : filters) if (f.builtin) f.add(in.a);
    archive_read_support_format_tar(in.a);
    archive_read_support_format_gnutar(in.a);
    archive_read_support_format_empty(in.a);
    if (archive_read_open_fd(in.a, src, 1 << 17) != ARCHIVE_OK) return ReadFail(in.a, "open failed");
    struct archive_entry* e;
    for (;;) {
      int r = archive_read_next_header(in.a, &e);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) return ReadFail(in.a, "bad header");
      if (!Entry(in.a, e)) return false;
    }
    for (auto& t : dirTimes_) {
      Fd p;
      if (OpenParent(t.dir, false, "", &p, nullptr)) utimensat(p.get(), t.base.c_str(), t.ts, AT_SYMLINK_NOFOLLOW);
    }
    if (topTimes_) futimens(dest_.get(), topTs_);
    if (!err_->set()) {
      // What follows the archive's end (padding, a compressor's trailer): the writer may be
      // hashing every byte.
      char buf[65536];
      ssize_t n;
      while ((n = read(src, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {}
    }
    return !err_->set();
  }

 private:
  Root& root_;
  const ExtractOpts& o_;
  Err* err_;
  Fd dest_;
  std::string destPath_;  // the destination in the root, symlinks resolved
  std::string cachedDir_ = "\x01";
  Fd cached_;
  std::vector<DirTime> dirTimes_;
  bool topTimes_ = false;
  struct timespec topTs_[2];

  std::string Shown(const std::string& rel) const { return JoinPath(destPath_, rel); }
  const char* Prefix() const { return o_.layer ? "reading layer: " : "reading archive: "; }

  bool ReadFail(struct archive* a, const char* what) {
    const char* s = archive_error_string(a);
    int code = archive_errno(a);
    return Fail(err_, code > 0 ? code : EIO, std::string(Prefix()) + (s ? s : what));
  }

  bool OpenDest() {
    if (o_.layer) {
      destPath_ = "/";
    } else {
      if (o_.createDest.set && !MkdirAll(o_.dest, o_.createDest)) return false;
      if (!root_.Resolve(o_.dest, &destPath_, err_)) return false;
    }
    dest_.reset(root_.Open(destPath_, O_RDONLY | O_DIRECTORY));
    if (!dest_.ok()) {
      int e = errno;
      if (e == ENOTDIR) return Fail(err_, ENOTDIR, "extraction point is not a directory");
      return Fail(err_, e, "lstat " + o_.dest + ": " + ErrText(e));
    }
    return true;
  }

  // mkdir -p of an in-root path, symlinks followed in the root; new directories get `owner`.
  bool MkdirAll(const std::string& path, const Owner& owner) {
    Fd cur(root_.Open("/", O_RDONLY | O_DIRECTORY));
    std::string at;
    for (auto& c : Components(path)) {
      std::string next = at + "/" + c;
      Fd n(root_.Open(next, O_RDONLY | O_DIRECTORY));
      if (!n.ok() && errno == ENOENT && c != "..") {
        if (mkdirat(cur.get(), c.c_str(), 0755) != 0 && errno != EEXIST) return Fail(err_, errno, "mkdir " + next + ": " + ErrText(errno));
        fchownat(cur.get(), c.c_str(), owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW);
        n.reset(root_.Open(next, O_RDONLY | O_DIRECTORY));
      }
      if (!n.ok()) return Fail(err_, errno, "mkdir " + next + ": " + ErrText(errno));
      cur = std::move(n);
      at = next;
    }
    return true;
  }

  // The directory `rel` (relative to the destination) as an fd. A layer walks it name by name
  // and refuses a symlink on the way; otherwise it is resolved in the root (links followed).
  // `create`: missing directories are made (0755, owner or 0:0), as moby's implied directories.
  bool OpenParent(const std::string& rel, bool create, const std::string& entry, Fd* out, Err* err) {
    if (rel.empty()) { out->reset(dup(dest_.get())); return out->ok(); }
    Err ignored;
    if (!err) err = &ignored;
    if (!o_.layer) {
      std::string path = JoinPath(destPath_, rel);
      out->reset(root_.Open(path, O_RDONLY | O_DIRECTORY));
      if (out->ok()) return true;
      if (errno != ENOENT || !create) return Fail(err, errno, "mkdir " + path + ": " + ErrText(errno));
      Owner o = o_.owner.set ? o_.owner : Owner{true, 0, 0};
      Err* saved = err_;
      err_ = err;
      bool ok = MkdirAll(path, o);
      err_ = saved;
      if (!ok) return false;
      out->reset(root_.Open(path, O_RDONLY | O_DIRECTORY));
      return out->ok() || Fail(err, errno, "mkdir " + path + ": " + ErrText(errno));
    }
    Fd cur(dup(dest_.get()));
    std::string prefix;
    for (auto& c : Components(rel)) {
      prefix = prefix.empty() ? c : prefix + "/" + c;
      struct stat st;
      if (fstatat(cur.get(), c.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode)) return Fail(err, 0, "refusing to extract " + Quote(entry) + ": path traverses symlink " + Quote(prefix));
        if (!S_ISDIR(st.st_mode)) return Fail(err, ENOTDIR, "refusing to extract into " + Quote(prefix) + ": not a directory");
      } else if (errno == ENOENT && create) {
        if (mkdirat(cur.get(), c.c_str(), 0755) != 0 && errno != EEXIST) return Fail(err, errno, "mkdir " + prefix + ": " + strerror(errno));
      } else {
        return Fail(err, errno, "lstat " + prefix + ": " + strerror(errno));
      }
      Fd n(openat(cur.get(), c.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!n.ok()) return Fail(err, errno, "refusing to extract " + Quote(entry) + ": " + Quote(prefix) + " is not a directory");
      cur = std::move(n);
    }
    *out = std::move(cur);
    return true;
  }

  // The parent's fd, kept for the next entries in the same directory.
  int Parent(const std::string& rel, const std::string& entry) {
    if (rel == cachedDir_ && cached_.ok()) return cached_.get();
    Fd p;
    if (!OpenParent(rel, true, entry, &p, err_)) return -1;
    cached_ = std::move(p);
    cachedDir_ = rel;
    return cached_.get();
  }

  void Forget() { cached_.reset(); cachedDir_ = "\x01"; }

  // Entry names: a layer's must be relative and stay below its root; cp's and a context's are
  // cleaned as Go's filepath.Clean after the leading "/" is dropped, and must not climb out.
  bool CleanName(const char* raw, std::string* out, bool link) {
    std::string name(raw ? raw : "");
    std::string what = link ? "hardlink target" : "entry";
    if (o_.layer) {
      if (name.empty()) return Fail(err_, 0, "refusing to extract an entry with an empty name");
      if (name[0] == '/') return Fail(err_, 0, "refusing to extract " + Quote(name) + ": absolute path");
    }
    std::vector<std::string> parts;
    for (auto& c : Components(name)) {
      if (c == "..") {
        if (o_.layer) return Fail(err_, 0, "refusing to extract " + Quote(name) + ": path escapes the layer directory");
        if (parts.empty()) return Fail(err_, 0, Quote(name) + " is outside of " + Quote(destPath_));
        parts.pop_back();
        continue;
      }
      parts.push_back(c);
    }
    out->clear();
    for (size_t k = 0; k < parts.size(); k++) { if (k) *out += '/'; *out += parts[k]; }
    if (out->size() > 4096) return Fail(err_, ENAMETOOLONG, "extracting " + Quote(name) + ": " + ErrText(ENAMETOOLONG));
    (void)what;
    return true;
  }

  Owner OwnerOf(struct archive_entry* e) const {
    if (o_.owner.set) return o_.owner;
    return Owner{true, static_cast<uid_t>(archive_entry_uid(e)), static_cast<gid_t>(archive_entry_gid(e))};
  }

  void Times(struct archive_entry* e, struct timespec ts[2]) const {
    ts[1].tv_sec = archive_entry_mtime(e);
    ts[1].tv_nsec = archive_entry_mtime_nsec(e);
    if (archive_entry_atime_is_set(e)) { ts[0].tv_sec = archive_entry_atime(e); ts[0].tv_nsec = archive_entry_atime_nsec(e); }
    else ts[0] = ts[1];
  }

  // Owner, mode and xattrs through the entry's own fd.
  bool Meta(int fd, struct archive_entry* e, const std::string& shown) {
    Owner ow = OwnerOf(e);
    if (fchown(fd, ow.uid, ow.gid) != 0) return Fail(err_, errno, "failed to Lchown " + Quote(shown) + " for UID " + std::to_string(ow.uid) + ", GID " + std::to_string(ow.gid) + ": " + ErrText(errno));
    mode_t mode = o_.hasChmod ? o_.chmod : (archive_entry_mode(e) & 07777);
    if (fchmod(fd, mode) != 0) return Fail(err_, errno, "chmod " + shown + ": " + ErrText(errno));
    const char* name;
    const void* value;
    size_t len;
    archive_entry_xattr_reset(e);
    while (archive_entry_xattr_next(e, &name, &value, &len) == ARCHIVE_OK) fsetxattr(fd, name, value, len, 0);  // best effort
    return true;
  }

  bool CopyData(struct archive* in, int fd, struct archive_entry* e, const std::string& rel) {
    const void* buf;
    size_t len;
    la_int64_t off;
    int r;
    while ((r = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK) {
      const char* p = static_cast<const char*>(buf);
      while (len > 0) {
        ssize_t n = pwrite(fd, p, len, off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return Fail(err_, errno, "extracting " + Quote(rel) + ": " + ErrText(errno));
        p += n; len -= n; off += n;
      }
    }
    if (r != ARCHIVE_EOF) return ReadFail(in, "read error") && false;
    if (ftruncate(fd, archive_entry_size(e)) != 0) return Fail(err_, errno, "extracting " + Quote(rel) + ": " + ErrText(errno));
    return true;
  }

  // `.wh.<name>` → a 0/0 char device <name>; `.wh..wh..opq` → trusted.overlay.opaque=y on its dir.
  bool Whiteout(const std::string& rel, const std::string& base, struct archive_entry* e, bool* handled) {
    *handled = false;
    if (base.compare(0, 4, ".wh.") != 0) return true;
    *handled = true;
    std::string dir = rel.find('/') == std::string::npos ? "" : DirOf(rel);
    int pfd = Parent(dir, rel);
    if (pfd < 0) return false;
    if (base == ".wh..wh..opq") {
      if (fsetxattr(pfd, "trusted.overlay.opaque", "y", 1, 0) != 0) return Fail(err_, errno, "setting trusted.overlay.opaque on " + Quote(dir) + ": " + strerror(errno));
      return true;
    }
    if (base.compare(0, 8, ".wh..wh.") == 0) return true;  // aufs metadata: nothing on overlay
    std::string name = base.substr(4);
    std::string shown = dir.empty() ? name : dir + "/" + name;
    if (!RemoveAll(pfd, name, shown, 0, err_)) return false;
    if (mknodat(pfd, name.c_str(), S_IFCHR, makedev(0, 0)) != 0) return Fail(err_, errno, "creating whiteout " + Quote(shown) + ": " + strerror(errno));
    if (fchownat(pfd, name.c_str(), archive_entry_uid(e), archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) != 0) return Fail(err_, errno, "chown whiteout " + Quote(shown) + ": " + strerror(errno));
    return true;
  }

  bool Entry(struct archive* in, struct archive_entry* e) {
    const char* raw = archive_entry_pathname(e);
    if (!raw) raw = archive_entry_pathname_utf8(e);
    std::string rel;
    if (!CleanName(raw, &rel, false)) return false;
    const char* hardlink = archive_entry_hardlink(e);
    int type = archive_entry_filetype(e);
    if (rel.empty()) {  // the destination itself
      if (o_.topMeta && type == AE_IFDIR && !hardlink) {
        if (!Meta(dest_.get(), e, destPath_)) return false;
        Times(e, topTs_);
        topTimes_ = true;
      }
      return true;
    }
    std::string dir = rel.find('/') == std::string::npos ? "" : DirOf(rel);
    std::string base = BaseOf(rel);
    if (o_.layer) {
      bool handled;
      if (!Whiteout(rel, base, e, &handled)) return false;
      if (handled) return true;
    }
    int pfd = Parent(dir, raw ? raw : rel);
    if (pfd < 0) return false;
    std::string shown = o_.layer ? rel : Shown(rel);
    bool isDir = !hardlink && type == AE_IFDIR;
    struct stat ex;
    bool exists = fstatat(pfd, base.c_str(), &ex, AT_SYMLINK_NOFOLLOW) == 0;
    if (exists) {
      // Docker names the entry (cleaned, relative) and the destination
      if (o_.noOverwriteDirNonDir && S_ISDIR(ex.st_mode) && !isDir)
        return Fail(err_, 0, "cannot overwrite directory " + Quote(rel) + " with non-directory " + Quote(destPath_));
      if (o_.noOverwriteDirNonDir && !S_ISDIR(ex.st_mode) && isDir)
        return Fail(err_, 0, "cannot overwrite non-directory " + Quote(rel) + " with directory " + Quote(destPath_));
      if (!(S_ISDIR(ex.st_mode) && isDir)) {
        if (!RemoveAll(pfd, base, shown, 0, err_)) return false;
        if (S_ISDIR(ex.st_mode)) Forget();
        exists = false;
      }
    }
    if (hardlink) {
      std::string target;
      if (!CleanName(hardlink, &target, true)) {
        if (o_.layer) { err_->msg.clear(); return Fail(err_, 0, "refusing hardlink " + Quote(raw) + " -> " + Quote(hardlink) + ": target outside the layer"); }
        err_->msg.clear();
        return Fail(err_, 0, "invalid hardlink " + Quote(hardlink) + " -> " + Quote(raw));
      }
      if (target.empty()) return Fail(err_, 0, "refusing hardlink " + Quote(raw) + " to the extraction root");
      Fd tp;
      std::string tdir = target.find('/') == std::string::npos ? "" : DirOf(target);
      if (!OpenParent(tdir, false, hardlink, &tp, err_)) return false;
      if (linkat(tp.get(), BaseOf(target).c_str(), pfd, base.c_str(), 0) != 0)
        return Fail(err_, errno, "extracting " + Quote(rel) + ": link to " + Quote(target) + ": " + ErrText(errno));
      return true;
    }
    struct timespec ts[2];
    Times(e, ts);
    Owner ow = OwnerOf(e);
    switch (type) {
      case AE_IFDIR: {
        if (!exists && mkdirat(pfd, base.c_str(), 0700) != 0) return Fail(err_, errno, "mkdir " + shown + ": " + ErrText(errno));
        Fd d(openat(pfd, base.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!d.ok()) return Fail(err_, errno, "open " + shown + ": " + ErrText(errno));
        if (!Meta(d.get(), e, shown)) return false;
        DirTime t{dir, base, {ts[0], ts[1]}};
        dirTimes_.push_back(t);
        return true;
      }
      case AE_IFREG: {
        Fd f(openat(pfd, base.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!f.ok()) return Fail(err_, errno, "open " + shown + ": " + ErrText(errno));
        if (!CopyData(in, f.get(), e, rel) || !Meta(f.get(), e, shown)) return false;
        futimens(f.get(), ts);
        size += archive_entry_size(e);
        return true;
      }
      case AE_IFLNK: {
        const char* target = archive_entry_symlink(e);
        if (symlinkat(target ? target : "", pfd, base.c_str()) != 0) return Fail(err_, errno, "symlink " + shown + ": " + ErrText(errno));
        break;
      }
      case AE_IFIFO: case AE_IFCHR: case AE_IFBLK: {
        dev_t dev = makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
        mode_t mode = static_cast<mode_t>(type) | (archive_entry_mode(e) & 07777);
        if (mknodat(pfd, base.c_str(), mode, type == AE_IFIFO ? 0 : dev) != 0) return Fail(err_, errno, "mknod " + shown + ": " + ErrText(errno));
        break;
      }
      default:
        return true;  // sockets and the like: skipped
    }
    if (fchownat(pfd, base.c_str(), ow.uid, ow.gid, AT_SYMLINK_NOFOLLOW) != 0)
      return Fail(err_, errno, "failed to Lchown " + Quote(shown) + " for UID " + std::to_string(ow.uid) + ", GID " + std::to_string(ow.gid) + ": " + ErrText(errno));
    utimensat(pfd, base.c_str(), ts, AT_SYMLINK_NOFOLLOW);
    return true;
  }
};

bool OwnerFrom(const Napi::Value& v, Owner* o) {
  if (!v.IsObject()) return false;
  Napi::Object ob = v.As<Napi::Object>();
  o->set = true;
  o->uid = ob.Get("uid").ToNumber().Uint32Value();
  o->gid = ob.Get("gid").ToNumber().Uint32Value();
  return true;
}

Napi::Value Reject(Napi::Env env, const std::string& msg) {
  auto d = Napi::Promise::Deferred::New(env);
  d.Reject(Napi::TypeError::New(env, msg).Value());
  return d.Promise();
}

Napi::Value ExtractInRoot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::unique_ptr<Op> op(new Op());
  std::string why;
  if (info.Length() < 3 || !(info[0].IsNumber() || info[0].IsString()) || !ParseRoot(info[1], &op->root, &why) || !info[2].IsString()) {
    if (info.Length() > 0 && info[0].IsNumber()) close(info[0].As<Napi::Number>().Int32Value());
    return Reject(env, "extractInRoot(src: fd | path, root, dest: string, opts?)");
  }
  int src;
  if (info[0].IsNumber()) {
    src = info[0].As<Napi::Number>().Int32Value();
  } else {
    std::string file = info[0].As<Napi::String>().Utf8Value();
    src = open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (src < 0) {
      auto d = Napi::Promise::Deferred::New(env);
      Napi::Error e = Napi::Error::New(env, "reading layer: " + file + ": " + strerror(errno));
      d.Reject(e.Value());
      return d.Promise();
    }
  }
  op->owned.push_back(src);
  auto o = std::make_shared<ExtractOpts>();
  o->dest = info[2].As<Napi::String>().Utf8Value();
  if (info.Length() > 3 && info[3].IsObject()) {
    Napi::Object ob = info[3].As<Napi::Object>();
    o->layer = ob.Get("layer").ToBoolean();
    o->noOverwriteDirNonDir = ob.Get("noOverwriteDirNonDir").ToBoolean();
    OwnerFrom(ob.Get("owner"), &o->owner);
    OwnerFrom(ob.Get("createDest"), &o->createDest);
    if (ob.Get("chmod").IsNumber()) { o->hasChmod = true; o->chmod = ob.Get("chmod").As<Napi::Number>().Uint32Value() & 07777; }
    o->topMeta = ob.Get("topMeta").ToBoolean();
  }
  auto size = std::make_shared<int64_t>(0);
  op->work = [src, o, size](Root& root, Err* err) {
    Extractor x(root, *o, err);
    x.Run(src);
    *size = x.size;
  };
  op->done = [size](Napi::Env env) {
    Napi::Object res = Napi::Object::New(env);
    res.Set("size", Napi::Number::New(env, static_cast<double>(*size)));
    return res;
  };
  return RunOp(env, op.release());
}

// ---- archiving and scanning ----------------------------------------------------------------

struct WalkOpts {
  std::string path = "/";
  bool follow = false;
  bool skipTop = false;
  std::string topName = ".";
  std::string childPrefix;
  bool oneFs = false;
  bool layer = false;
  std::set<std::string> noDescend, exclude, ignore;
};

struct Node {
  std::string name;    // in the archive (directories end in "/")
  std::string inRoot;  // the path in the root
  struct stat st;
  int fd = -1;         // a regular file's, when the sink wants data
  std::string link;
  bool opaque = false;
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual bool wantsData() const = 0;
  virtual bool Emit(const Node& n, Err* err) = 0;
};

class Walker {
 public:
  Walker(Root& root, const WalkOpts& o, Sink* sink, Err* err) : root_(root), o_(o), sink_(sink), err_(err) {}

  bool Run() {
    std::string top;
    std::vector<std::string> comps = Components(o_.path);
    if (o_.follow || comps.empty() || comps.back() == "..") {
      if (!root_.Resolve(o_.path, &top, err_)) return false;
    } else {
      std::string clean, dir;
      for (auto& c : comps) clean += "/" + c;
      if (!root_.Resolve(DirOf(clean), &dir, err_)) return false;
      top = JoinPath(dir, comps.back());
    }
    Fd parent(root_.Open(top == "/" ? "/" : DirOf(top), O_RDONLY | O_DIRECTORY));
    if (!parent.ok()) return Fail(err_, errno, "lstat " + o_.path + ": " + ErrText(errno));
    return Visit(parent.get(), top == "/" ? "." : BaseOf(top), top, "", true, 0, 0);
  }

 private:
  Root& root_;
  const WalkOpts& o_;
  Sink* sink_;
  Err* err_;

  std::string NameOf(const std::string& rel, bool dir) const {
    std::string n;
    if (rel.empty()) n = o_.topName;
    else n = o_.childPrefix.empty() ? rel : o_.childPrefix + "/" + rel;
    if (dir && (n.empty() || n.back() != '/')) n += '/';
    return n;
  }

  bool Visit(int pfd, const std::string& base, const std::string& inRoot, const std::string& rel, bool top, dev_t topDev, int depth) {
    if (!top && o_.ignore.count(inRoot)) return true;
    if (depth > kMaxDepth || inRoot.size() > 4096) return Fail(err_, ENAMETOOLONG, "lstat " + inRoot + ": " + ErrText(ENAMETOOLONG));
    Node n;
    if (fstatat(pfd, base.c_str(), &n.st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (top) return Fail(err_, errno, "lstat " + o_.path + ": " + ErrText(errno));
      return true;  // gone since it was listed
    }
    if (top) topDev = n.st.st_dev;
    n.inRoot = inRoot;
    bool otherFs = o_.oneFs && !top && n.st.st_dev != topDev;
    const struct stat& st = n.st;
    if (S_ISDIR(st.st_mode)) {
      Fd d(openat(pfd, base.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      struct stat ds;
      if (!d.ok() || fstat(d.get(), &ds) != 0 || ds.st_ino != st.st_ino || ds.st_dev != st.st_dev) {
        if (top) return Fail(err_, d.ok() ? ESTALE : errno, "open " + o_.path + ": " + ErrText(d.ok() ? ESTALE : errno));
        return true;
      }
      n.name = NameOf(rel, true);
      if (o_.layer) {
        char v[4];
        ssize_t l = fgetxattr(d.get(), "trusted.overlay.opaque", v, sizeof v);
        n.opaque = l == 1 && v[0] == 'y';
      }
      if (!(top && o_.skipTop) && !sink_->Emit(n, err_)) return false;
      if (otherFs || o_.noDescend.count(inRoot) || (!top && o_.exclude.count(inRoot))) return true;
      std::vector<std::string> names;
      ListDir(d.get(), &names);
      for (auto& c : names) {
        std::string childRel = rel.empty() ? c : rel + "/" + c;
        if (!Visit(d.get(), c, JoinPath(inRoot, c), childRel, false, topDev, depth + 1)) return false;
      }
      return true;
    }
    n.name = NameOf(rel, false);
    if (S_ISLNK(st.st_mode)) {
      char buf[4096];
      ssize_t l = readlinkat(pfd, base.c_str(), buf, sizeof buf);
      if (l < 0) return top ? Fail(err_, errno, "readlink " + o_.path + ": " + ErrText(errno)) : true;
      n.link.assign(buf, l);
      return sink_->Emit(n, err_);
    }
    if (S_ISREG(st.st_mode)) {
      Fd f;
      if (otherFs) {
        n.st.st_size = 0;  // a file bind mount: the mountpoint only
      } else if (sink_->wantsData()) {
        f.reset(openat(pfd, base.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        struct stat fs;
        if (!f.ok() || fstat(f.get(), &fs) != 0 || fs.st_ino != st.st_ino || fs.st_dev != st.st_dev || !S_ISREG(fs.st_mode)) {
          if (top) return Fail(err_, f.ok() ? ESTALE : errno, "open " + o_.path + ": " + ErrText(f.ok() ? ESTALE : errno));
          return true;
        }
        n.fd = f.get();
      }
      return sink_->Emit(n, err_);
    }
    if (S_ISSOCK(st.st_mode)) return true;  // not archived (as Docker)
    return sink_->Emit(n, err_);
  }
};

class TarSink : public Sink {
 public:
  TarSink(int out, bool layer) : layer_(layer) {
    a_ = archive_write_new();
    archive_write_set_format_gnutar(a_);
    archive_write_add_filter_none(a_);
    archive_write_set_bytes_per_block(a_, 0);
    open_ = archive_write_open_fd(a_, out) == ARCHIVE_OK;
  }
  ~TarSink() override { archive_write_free(a_); }
  bool wantsData() const override { return true; }

  bool Finish(Err* err) {
    if (!open_) return Fail(err, archive_errno(a_) > 0 ? archive_errno(a_) : EIO, std::string("writing archive: ") + (archive_error_string(a_) ?: "open failed"));
    if (archive_write_close(a_) != ARCHIVE_OK) return WriteFail(err);
    return true;
  }

  bool Emit(const Node& n, Err* err) override {
    if (!open_) return Fail(err, EIO, "writing archive: open failed");
    const struct stat& st = n.st;
    if (layer_ && S_ISCHR(st.st_mode) && st.st_rdev == 0) {  // overlay whiteout → Docker's
      std::string dir = DirOf(n.name), base = BaseOf(n.name);
      std::string wh = dir.empty() ? ".wh." + base : dir + "/.wh." + base;
      return Header(wh, st, AE_IFREG, 0644, 0, nullptr, nullptr, err);
    }
    if (S_ISDIR(st.st_mode)) {
      if (!Header(n.name, st, AE_IFDIR, st.st_mode & 07777, 0, nullptr, nullptr, err)) return false;
      if (layer_ && n.opaque) return Header(n.name + ".wh..wh..opq", st, AE_IFREG, 0644, 0, nullptr, nullptr, err);
      return true;
    }
    if (S_ISLNK(st.st_mode)) return Header(n.name, st, AE_IFLNK, st.st_mode & 07777, 0, n.link.c_str(), nullptr, err);
    if (S_ISREG(st.st_mode)) {
      if (st.st_nlink > 1) {
        auto key = std::make_pair(st.st_dev, st.st_ino);
        auto it = links_.find(key);
        if (it != links_.end()) return Header(n.name, st, AE_IFREG, st.st_mode & 07777, 0, nullptr, it->second.c_str(), err);
        links_[key] = n.name;
      }
      if (!Header(n.name, st, AE_IFREG, st.st_mode & 07777, st.st_size, nullptr, nullptr, err)) return false;
      return n.fd >= 0 ? Data(n.fd, st.st_size, err) : true;
    }
    if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return Header(n.name, st, S_ISCHR(st.st_mode) ? AE_IFCHR : AE_IFBLK, st.st_mode & 07777, 0, nullptr, nullptr, err);
    if (S_ISFIFO(st.st_mode)) return Header(n.name, st, AE_IFIFO, st.st_mode & 07777, 0, nullptr, nullptr, err);
    return true;
  }

 private:
  struct archive* a_;
  bool open_ = false;
  bool layer_;
  std::map<std::pair<dev_t, ino_t>, std::string> links_;

  bool WriteFail(Err* err) {
    int code = archive_errno(a_);
    return Fail(err, code > 0 ? code : EIO, std::string("writing archive: ") + (archive_error_string(a_) ?: "write failed"));
  }

  bool Header(const std::string& name, const struct stat& st, unsigned type, mode_t perm, int64_t size, const char* symlink, const char* hardlink, Err* err) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, perm);
    archive_entry_set_uid(e, st.st_uid);
    archive_entry_set_gid(e, st.st_gid);
    archive_entry_set_mtime(e, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    archive_entry_set_size(e, size);
    if (symlink) archive_entry_set_symlink(e, symlink);
    if (hardlink) { archive_entry_set_hardlink(e, hardlink); archive_entry_set_size(e, 0); }
    if (type == AE_IFCHR || type == AE_IFBLK) {
      archive_entry_set_rdevmajor(e, major(st.st_rdev));
      archive_entry_set_rdevminor(e, minor(st.st_rdev));
    }
    int r = archive_write_header(a_, e);
    archive_entry_free(e);
    return r >= ARCHIVE_WARN || WriteFail(err);
  }

  // Exactly `size` bytes: a file that grew is cut, one that shrank is padded with zeros.
  bool Data(int fd, int64_t size, Err* err) {
    static thread_local char buf[1 << 16];
    int64_t left = size;
    while (left > 0) {
      ssize_t n = read(fd, buf, static_cast<size_t>(std::min<int64_t>(left, sizeof buf)));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        memset(buf, 0, sizeof buf);
        while (left > 0) {
          size_t k = static_cast<size_t>(std::min<int64_t>(left, sizeof buf));
          if (archive_write_data(a_, buf, k) < 0) return WriteFail(err);
          left -= k;
        }
        break;
      }
      if (archive_write_data(a_, buf, n) < 0) return WriteFail(err);
      left -= n;
    }
    return true;
  }
};

struct ScanEntry { std::string path; struct stat st; bool opaque; };

class ScanSink : public Sink {
 public:
  std::vector<ScanEntry> entries;
  bool wantsData() const override { return false; }
  bool Emit(const Node& n, Err*) override {
    entries.push_back({n.inRoot, n.st, n.opaque});
    return true;
  }
};

void PathSet(const Napi::Value& v, std::set<std::string>* out) {
  if (!v.IsArray()) return;
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) {
    std::string p;
    for (auto& c : Components(a.Get(i).ToString().Utf8Value())) p += "/" + c;
    out->insert(p.empty() ? "/" : p);
  }
}

std::shared_ptr<WalkOpts> WalkOptsFrom(const std::string& path, const Napi::Value& v) {
  auto o = std::make_shared<WalkOpts>();
  o->path = path;
  if (!v.IsObject()) return o;
  Napi::Object ob = v.As<Napi::Object>();
  o->follow = ob.Get("follow").ToBoolean();
  o->skipTop = ob.Get("skipTop").ToBoolean();
  if (ob.Get("topName").IsString()) o->topName = ob.Get("topName").As<Napi::String>().Utf8Value();
  if (ob.Get("childPrefix").IsString()) o->childPrefix = ob.Get("childPrefix").As<Napi::String>().Utf8Value();
  o->oneFs = ob.Get("oneFileSystem").ToBoolean();
  o->layer = ob.Get("layer").ToBoolean();
  PathSet(ob.Get("noDescend"), &o->noDescend);
  PathSet(ob.Get("exclude"), &o->exclude);
  PathSet(ob.Get("ignore"), &o->ignore);
  return o;
}

Napi::Value TarInRoot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::unique_ptr<Op> op(new Op());
  std::string why;
  if (info.Length() < 3 || !info[2].IsNumber()) return Reject(env, "tarInRoot(root, path: string, outFd: number, opts?)");
  int out = info[2].As<Napi::Number>().Int32Value();
  op->owned.push_back(out);
  if (!ParseRoot(info[0], &op->root, &why) || !info[1].IsString()) {
    close(out);
    return Reject(env, "tarInRoot(root, path: string, outFd: number, opts?)");
  }
  auto o = WalkOptsFrom(info[1].As<Napi::String>().Utf8Value(), info.Length() > 3 ? info[3] : env.Undefined());
  op->work = [o, out](Root& root, Err* err) {
    TarSink sink(out, o->layer);
    Walker w(root, *o, &sink, err);
    if (w.Run()) sink.Finish(err);
  };
  return RunOp(env, op.release());
}

Napi::Value ScanInRoot(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::unique_ptr<Op> op(new Op());
  std::string why;
  if (info.Length() < 2 || !ParseRoot(info[0], &op->root, &why) || !info[1].IsString()) return Reject(env, "scanInRoot(root, path: string, opts?)");
  auto o = WalkOptsFrom(info[1].As<Napi::String>().Utf8Value(), info.Length() > 2 ? info[2] : env.Undefined());
  o->layer = true;  // opaque markers are reported
  auto sink = std::make_shared<ScanSink>();
  op->work = [o, sink](Root& root, Err* err) {
    Walker w(root, *o, sink.get(), err);
    w.Run();
  };
  op->done = [sink](Napi::Env env) {
    Napi::Array out = Napi::Array::New(env, sink->entries.size());
    uint32_t i = 0;
    for (auto& e : sink->entries) {
      Napi::Object ob = Napi::Object::New(env);
      ob.Set("path", Napi::String::New(env, e.path));
      ob.Set("mode", Napi::Number::New(env, e.st.st_mode));
      ob.Set("size", Napi::Number::New(env, static_cast<double>(e.st.st_size)));
      ob.Set("mtimeMs", Napi::Number::New(env, e.st.st_mtim.tv_sec * 1e3 + e.st.st_mtim.tv_nsec / 1e6));
      ob.Set("rdev", Napi::Number::New(env, static_cast<double>(e.st.st_rdev)));
      ob.Set("opaque", Napi::Boolean::New(env, e.opaque));
      out.Set(i++, ob);
    }
    return out;
  };
  return RunOp(env, op.release());
}

}  // namespace

void InitArchive(Napi::Env env, Napi::Object exports) {
  ProbeFilters();
  exports.Set("extractInRoot", Napi::Function::New(env, ExtractInRoot, "extractInRoot"));
  exports.Set("tarInRoot", Napi::Function::New(env, TarInRoot, "tarInRoot"));
  exports.Set("scanInRoot", Napi::Function::New(env, ScanInRoot, "scanInRoot"));
}

}  // namespace berth
