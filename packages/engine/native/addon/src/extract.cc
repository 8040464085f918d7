// Layer extraction with libarchive: a tar (plain, gzip, zstd, xz — detected from the bytes) is
// unpacked into a directory usable as an overlay lowerdir.
//
//   extractLayer(src, destDir) → Promise<{ size }>
//     src: a path, or a readable fd (a pipe the JS side writes to; closed when extraction ends)
//     size: the sum of regular files' sizes
//
// Docker whiteouts become overlay ones: `.wh.<name>` → char device 0/0 named <name>,
// `.wh..wh..opq` → `trusted.overlay.opaque=y` on its directory. Hostile entries (absolute
// names, `..`, names that traverse a symlink, hardlinks out of the layer) are refused before
// anything is written for them; libarchive's SECURE_SYMLINKS / SECURE_NODOTDOT checks stay on
// as a second line. Each extraction runs on its own thread rather than libuv's pool: a pipe
// reader blocks until JS writes, and JS may need the pool (fs writes of the blob) to write.
#include "extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace berth {
namespace {

const int kFlags = ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                   ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                   ARCHIVE_EXTRACT_SECURE_NODOTDOT;
// ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS is checked by CleanName on the entry's own name: the
// name handed to libarchive is the (absolute, symlink-free) destination joined with it.

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

// "./a//b/./c" → "a/b/c"; refuses absolute names and `..` components. "" for the root itself.
bool CleanName(const char* raw, std::string* out, std::string* err) {
  std::string name(raw ? raw : "");
  if (name.empty()) { *err = "refusing to extract an entry with an empty name"; return false; }
  if (name[0] == '/') { *err = "refusing to extract " + Quote(name) + ": absolute path"; return false; }
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= name.size()) {
    size_t j = name.find('/', i);
    if (j == std::string::npos) j = name.size();
    std::string c = name.substr(i, j - i);
    if (c == "..") { *err = "refusing to extract " + Quote(name) + ": path escapes the layer directory"; return false; }
    if (!c.empty() && c != ".") parts.push_back(c);
    i = j + 1;
  }
  out->clear();
  for (size_t k = 0; k < parts.size(); k++) { if (k) *out += '/'; *out += parts[k]; }
  return true;
}

// Every existing proper prefix of `rel` under `dest` must be a real directory, not a symlink.
bool CheckParents(const std::string& dest, const std::string& rel, const std::string& entry, std::string* err) {
  size_t pos = 0;
  while ((pos = rel.find('/', pos)) != std::string::npos) {
    std::string prefix = rel.substr(0, pos);
    struct stat st;
    if (lstat((dest + "/" + prefix).c_str(), &st) != 0) return true;  // created as a directory later
    if (S_ISLNK(st.st_mode)) {
      *err = "refusing to extract " + Quote(entry) + ": path traverses symlink " + Quote(prefix);
      return false;
    }
    pos++;
  }
  return true;
}

bool MkdirAll(const std::string& dest, const std::string& rel, std::string* err) {
  if (rel.empty()) return true;
  size_t pos = 0;
  while (true) {
    size_t j = rel.find('/', pos);
    std::string p = dest + "/" + (j == std::string::npos ? rel : rel.substr(0, j));
    if (mkdir(p.c_str(), 0755) != 0 && errno != EEXIST) { *err = "mkdir " + p + ": " + strerror(errno); return false; }
    struct stat st;
    if (lstat(p.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) { *err = "refusing to extract into " + Quote(p) + ": not a directory"; return false; }
    if (j == std::string::npos) return true;
    pos = j + 1;
  }
}

std::string Dirname(const std::string& rel) {
  size_t i = rel.rfind('/');
  return i == std::string::npos ? "" : rel.substr(0, i);
}

std::string Basename(const std::string& rel) {
  size_t i = rel.rfind('/');
  return i == std::string::npos ? rel : rel.substr(i + 1);
}

std::string Join(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }

// `.wh.<name>` and `.wh..wh..opq`. Returns true when the entry was a whiteout (handled or skipped).
bool Whiteout(const std::string& dest, const std::string& rel, struct archive_entry* e, std::string* err, bool* failed) {
  std::string base = Basename(rel);
  if (base.compare(0, 4, ".wh.") != 0) return false;
  std::string dir = Dirname(rel);
  *failed = true;
  if (!CheckParents(dest, Join(dir, "x"), rel, err) || !MkdirAll(dest, dir, err)) return true;
  std::string dirPath = dir.empty() ? dest : dest + "/" + dir;
  if (base == ".wh..wh..opq") {
    if (lsetxattr(dirPath.c_str(), "trusted.overlay.opaque", "y", 1, 0) != 0) {
      *err = "setting trusted.overlay.opaque on " + Quote(dir) + ": " + strerror(errno);
      return true;
    }
  } else if (base.compare(0, 8, ".wh..wh.") == 0) {
    // aufs metadata (.wh..wh.plnk, .wh..wh.aufs): nothing to do on overlay.
  } else {
    std::string target = dirPath + "/" + base.substr(4);
    struct stat st;
    if (lstat(target.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode) ? rmdir(target.c_str()) : unlink(target.c_str())) {
        *err = "replacing " + Quote(Join(dir, base.substr(4))) + " with a whiteout: " + strerror(errno);
        return true;
      }
    }
    if (mknod(target.c_str(), S_IFCHR | 0, makedev(0, 0)) != 0) {
      *err = "creating whiteout " + Quote(Join(dir, base.substr(4))) + ": " + strerror(errno);
      return true;
    }
    if (lchown(target.c_str(), archive_entry_uid(e), archive_entry_gid(e)) != 0) {
      *err = "chown whiteout " + Quote(Join(dir, base.substr(4))) + ": " + strerror(errno);
      return true;
    }
  }
  *failed = false;
  return true;
}

struct Job {
  std::string src;
  int fd = -1;
  std::string dest;
  std::string error;
  int64_t size = 0;
  Napi::Promise::Deferred deferred;
  Napi::ThreadSafeFunction tsfn;
  explicit Job(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
};

bool CopyData(struct archive* in, struct archive* out, std::string* err) {
  const void* buf;
  size_t len;
  la_int64_t off;
  int r;
  while ((r = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK) {
    if (archive_write_data_block(out, buf, len, off) < ARCHIVE_OK) { *err = archive_error_string(out); return false; }
  }
  if (r != ARCHIVE_EOF) { *err = std::string("reading layer: ") + (archive_error_string(in) ?: "read error"); return false; }
  return true;
}

void Extract(Job* job) {
  char real[PATH_MAX];
  if (!realpath(job->dest.c_str(), real)) { job->error = "layer directory " + job->dest + ": " + strerror(errno); return; }
  std::string dest(real);
  struct archive* in = archive_read_new();
  struct archive* out = archive_write_disk_new();
  archive_read_support_filter_all(in);
  archive_read_support_format_tar(in);
  archive_read_support_format_gnutar(in);
  archive_read_support_format_empty(in);
  archive_write_disk_set_options(out, kFlags);
  int r = job->fd >= 0 ? archive_read_open_fd(in, job->fd, 1 << 17) : archive_read_open_filename(in, job->src.c_str(), 1 << 17);
  std::string& err = job->error;
  if (r != ARCHIVE_OK) err = std::string("reading layer: ") + (archive_error_string(in) ?: "open failed");
  struct archive_entry* e;
  while (err.empty()) {
    r = archive_read_next_header(in, &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) { err = std::string("reading layer: ") + (archive_error_string(in) ?: "bad header"); break; }
    std::string rel;
    const char* raw = archive_entry_pathname(e);
    if (!CleanName(raw, &rel, &err)) break;
    if (rel.empty()) continue;  // the root itself: the layer dir keeps its own mode
    if (!CheckParents(dest, rel, raw, &err)) break;
    bool failed = false;
    if (Whiteout(dest, rel, e, &err, &failed)) { if (failed) break; continue; }
    const char* link = archive_entry_hardlink(e);
    if (link) {
      std::string target;
      if (!CleanName(link, &target, &err)) { err = "refusing hardlink " + Quote(raw) + " -> " + Quote(link) + ": target outside the layer"; break; }
      if (target.empty() || !CheckParents(dest, target, link, &err)) {
        if (err.empty()) err = "refusing hardlink " + Quote(raw) + " to the layer root";
        break;
      }
      archive_entry_set_hardlink(e, (dest + "/" + target).c_str());
    }
    archive_entry_set_pathname(e, (dest + "/" + rel).c_str());
    r = archive_write_header(out, e);
    if (r < ARCHIVE_WARN) { err = "extracting " + Quote(rel) + ": " + (archive_error_string(out) ?: "write failed"); break; }
    if (!link && archive_entry_filetype(e) == AE_IFREG) job->size += archive_entry_size(e);
    if (archive_entry_size(e) > 0 && !CopyData(in, out, &err)) { err = "extracting " + Quote(rel) + ": " + err; break; }
    if (archive_write_finish_entry(out) < ARCHIVE_WARN) { err = "extracting " + Quote(rel) + ": " + (archive_error_string(out) ?: "write failed"); break; }
  }
  if (archive_write_close(out) != ARCHIVE_OK && err.empty()) err = std::string("finishing layer: ") + (archive_error_string(out) ?: "close failed");
  archive_write_free(out);
  archive_read_free(in);
  if (job->fd >= 0) {
    // Drain what follows the archive's end (tar padding, compressor trailer) so the writer
    // sees every byte consumed — it may be hashing them — then close.
    if (err.empty()) {
      char buf[65536];
      ssize_t n;
      while ((n = read(job->fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {}
    }
    close(job->fd);
  }
}

Napi::Value ExtractLayer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !(info[0].IsString() || info[0].IsNumber()) || !info[1].IsString()) {
    Napi::TypeError::New(env, "extractLayer(src: string | fd, destDir: string)").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Job* job = new Job(env);
  if (info[0].IsNumber()) job->fd = info[0].As<Napi::Number>().Int32Value();
  else job->src = info[0].As<Napi::String>().Utf8Value();
  job->dest = info[1].As<Napi::String>().Utf8Value();
  job->tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), "berth-extract", 0, 1);
  Napi::Promise promise = job->deferred.Promise();
  std::thread([job]() {
    Extract(job);
    Napi::ThreadSafeFunction tsfn = job->tsfn;
    tsfn.BlockingCall(job, [](Napi::Env env, Napi::Function, Job* j) {
      if (j->error.empty()) {
        Napi::Object res = Napi::Object::New(env);
        res.Set("size", Napi::Number::New(env, static_cast<double>(j->size)));
        j->deferred.Resolve(res);
      } else {
        j->deferred.Reject(Napi::Error::New(env, j->error).Value());
      }
      delete j;
    });
    tsfn.Release();
  }).detach();
  return promise;
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

}  // namespace

void InitExtract(Napi::Env env, Napi::Object exports) {
  exports.Set("extractLayer", Napi::Function::New(env, ExtractLayer, "extractLayer"));
  exports.Set("pipe", Napi::Function::New(env, Pipe, "pipe"));
}

}  // namespace berth
