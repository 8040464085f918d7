/* berth-monitor: mounts, device nodes, pivot_root, masked/read-only paths.
 * Destinations are resolved inside the rootfs with openat2(RESOLVE_IN_ROOT)
 * so a symlink in an image cannot point a mount at the host. */
#include "mounts.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

static bool no_openat2;

/* O_PATH fd of path (relative to the rootfs, leading '/' allowed) resolved
 * inside the rootfs; -1 with errno. */
static int
open_in_root (int rootfd, const char *rootfs, const char *path, int flags)
{
  while (*path == '/')
    path++;
  if (*path == '\0')
    path = ".";
  if (!no_openat2)
    {
      struct open_how how = {
        .flags = O_PATH | O_CLOEXEC | flags,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
      };
      int fd = syscall (SYS_openat2, rootfd, path, &how, sizeof (how));
      if (fd >= 0 || errno != ENOSYS)
        return fd;
      no_openat2 = true;
    }
  char full[PATH_MAX];
  snprintf (full, sizeof (full), "%s/%s", rootfs, path);
  return open (full, O_PATH | O_CLOEXEC | flags);
}

static void
fd_path (int fd, char *buf, size_t len)
{
  snprintf (buf, len, "/proc/self/fd/%d", fd);
}

/* Open (creating what is missing) a mount destination inside the rootfs:
 * directories along the way, and a file or directory at the end. A dangling
 * symlink on the way (/etc/resolv.conf -> ../run/resolv.conf) is followed
 * inside the rootfs and its target created, as runc does. */
static int
create_in_root (int rootfd, const char *rootfs, const char *path, bool is_file, int depth, struct berth_err *err)
{
  if (depth > 16)
    return make_err (err, ELOOP, "open `%s` in the rootfs", path);
  int fd = open_in_root (rootfd, rootfs, path, 0);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT)
    return make_err (err, errno, "open `%s` in the rootfs", path);

  char buf[PATH_MAX];
  snprintf (buf, sizeof (buf), "%s%s", path[0] == '/' ? "" : "/", path);
  size_t len = strlen (buf);
  while (len > 1 && buf[len - 1] == '/')
    buf[--len] = '\0';
  /* walk prefixes: "/a", "/a/b", ... */
  for (char *p = buf + 1;; p++)
    {
      if (*p != '/' && *p != '\0')
        continue;
      char saved = *p;
      *p = '\0';
      bool last = saved == '\0';
      cleanup_close int cur = open_in_root (rootfd, rootfs, buf, 0);
      if (cur < 0)
        {
          if (errno != ENOENT)
            return make_err (err, errno, "open `%s` in the rootfs", buf);
          char *slash = strrchr (buf, '/');
          const char *name = slash + 1;
          *slash = '\0';
          cleanup_close int parent = open_in_root (rootfd, rootfs, buf[0] ? buf : "/", O_DIRECTORY);
          if (parent < 0)
            {
              *slash = '/';
              return make_err (err, errno, "open parent of `%s` in the rootfs", buf);
            }
          char pp[64];
          fd_path (parent, pp, sizeof (pp));
          cleanup_close int dfd = open (pp, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
          if (dfd < 0)
            return make_err (err, errno, "open `%s` in the rootfs", buf[0] ? buf : "/");
          char link[PATH_MAX];
          ssize_t ll = readlinkat (dfd, name, link, sizeof (link) - 1);
          if (ll > 0)
            {
              /* dangling symlink: continue at its target, inside the rootfs */
              link[ll] = '\0';
              char next[PATH_MAX];
              snprintf (next, sizeof (next), "%s%s%s%s%s", link[0] == '/' ? "" : buf, link[0] == '/' ? "" : "/", link,
                        last ? "" : "/", last ? "" : p + 1);
              return create_in_root (rootfd, rootfs, next, is_file, depth + 1, err);
            }
          *slash = '/';
          if (last && is_file)
            {
              int f = openat (dfd, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0755);
              if (f < 0 && errno != EEXIST)
                return make_err (err, errno, "create `%s` in the rootfs", buf);
              if (f >= 0)
                close (f);
            }
          else if (mkdirat (dfd, name, 0755) < 0 && errno != EEXIST)
            return make_err (err, errno, "mkdir `%s` in the rootfs", buf);
        }
      if (last)
        break;
      *p = saved;
    }
  fd = open_in_root (rootfd, rootfs, path, 0);
  if (fd < 0)
    return make_err (err, errno, "open `%s` in the rootfs", path);
  return fd;
}

static int
open_or_create_in_root (int rootfd, const char *rootfs, const char *path, bool is_file, struct berth_err *err)
{
  return create_in_root (rootfd, rootfs, path, is_file, 0, err);
}

static unsigned long
statvfs_to_ms (unsigned long f)
{
  unsigned long r = 0;
  if (f & ST_NOSUID)
    r |= MS_NOSUID;
  if (f & ST_NODEV)
    r |= MS_NODEV;
  if (f & ST_NOEXEC)
    r |= MS_NOEXEC;
  if (f & ST_NOATIME)
    r |= MS_NOATIME;
  if (f & ST_NODIRATIME)
    r |= MS_NODIRATIME;
  if (f & ST_RELATIME)
    r |= MS_RELATIME;
  return r;
}

/* Remount a bind mount with new per-mount flags. The first try uses exactly
 * the flags asked for; on EPERM retry keeping the locked ones. */
static int
remount_bind (const char *path, unsigned long flags, struct berth_err *err)
{
  unsigned long f = MS_BIND | MS_REMOUNT | (flags & ~(MS_BIND | MS_REC | MS_REMOUNT));
  if (mount (NULL, path, NULL, f, NULL) == 0)
    return 0;
  if (errno == EPERM)
    {
      struct statvfs sv;
      if (statvfs (path, &sv) == 0 && mount (NULL, path, NULL, f | statvfs_to_ms (sv.f_flag), NULL) == 0)
        return 0;
    }
  return make_err (err, errno, "remount `%s`", path);
}

int
remount_ro (const char *path, unsigned long extra, struct berth_err *err)
{
  struct statvfs sv;
  unsigned long keep = 0;
  if (statvfs (path, &sv) == 0)
    keep = statvfs_to_ms (sv.f_flag);
  if (mount (NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | keep | extra, NULL) < 0)
    return make_err (err, errno, "remount `%s` read-only", path);
  return 0;
}

/* The overlay through the new mount API: every lowerdir on its own with
 * `lowerdir+` (Linux >= 6.8), so no one-page limit on the options. 1 when
 * this kernel has not got it (the caller falls back to mount(2)). */
static int
mount_overlay_fsconfig (const char *data, const char *target, struct berth_err *err)
{
  cleanup_close int fs = fsopen ("overlay", FSOPEN_CLOEXEC);
  if (fs < 0)
    return errno == ENOSYS ? 1 : make_err (err, errno, "fsopen overlay");
  if (fsconfig (fs, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0)
    return make_err (err, errno, "overlay source");
  cleanup_free char *copy = xstrdup (data);
  bool first = true;
  char *save = NULL;
  for (char *opt = strtok_r (copy, ",", &save); opt; opt = strtok_r (NULL, ",", &save))
    {
      char *eq = strchr (opt, '=');
      if (eq && strncmp (opt, "lowerdir=", 9) == 0)
        {
          char *lsave = NULL;
          for (char *dir = strtok_r (eq + 1, ":", &lsave); dir; dir = strtok_r (NULL, ":", &lsave))
            {
              if (fsconfig (fs, FSCONFIG_SET_STRING, "lowerdir+", dir, 0) == 0)
                {
                  first = false;
                  continue;
                }
              if (first && errno == EINVAL)
                return 1; /* before Linux 6.8 */
              return make_err (err, errno, "overlay lowerdir `%s`", dir);
            }
          continue;
        }
      int r;
      if (eq)
        {
          *eq = '\0';
          r = fsconfig (fs, FSCONFIG_SET_STRING, opt, eq + 1, 0);
        }
      else
        r = fsconfig (fs, FSCONFIG_SET_FLAG, opt, NULL, 0);
      if (r < 0)
        return make_err (err, errno, "overlay option `%s`", opt);
    }
  if (fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return make_err (err, errno, "mount overlay on `%s`", target);
  cleanup_close int mnt = fsmount (fs, FSMOUNT_CLOEXEC, 0);
  if (mnt < 0)
    return make_err (err, errno, "fsmount overlay");
  if (move_mount (mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return make_err (err, errno, "mount overlay on `%s`", target);
  return 0;
}

/* mount(2): options longer than a page are made relative to their paths'
 * longest common parent, which becomes the cwd for the call. */
static int
mount_overlay (struct berth_config *cfg, struct berth_err *err)
{
  if (cfg->overlay_cwd == NULL || !cfg->overlay_cwd[0])
    {
      int r = mount_overlay_fsconfig (cfg->overlay, cfg->root_path, err);
      if (r <= 0)
        return r;
    }
  const char *data = cfg->overlay;
  cleanup_close int oldcwd = -1;
  cleanup_free char *shortened = NULL;
  long page = sysconf (_SC_PAGESIZE);
  const char *cwd = cfg->overlay_cwd;

  if ((cwd == NULL || !cwd[0]) && (long) strlen (data) >= page - 1)
    {
      /* Too long for one page: chdir to the longest common parent of every
       * path in the options and pass the rest relative, as Docker's overlay2
       * does with its l/ links. */
      cleanup_free char *copy = xstrdup (data);
      const char *prefix = NULL;
      size_t plen = 0;
      for (char *opt = strtok (copy, ","); opt; opt = strtok (NULL, ","))
        {
          char *eq = strchr (opt, '=');
          if (!eq)
            continue;
          for (char *v = eq + 1; v && *v;)
            {
              char *colon = strchr (v, ':');
              size_t l = colon ? (size_t) (colon - v) : strlen (v);
              if (v[0] == '/')
                {
                  if (prefix == NULL)
                    {
                      prefix = v;
                      plen = l;
                    }
                  else
                    {
                      size_t k = 0;
                      while (k < plen && k < l && prefix[k] == v[k])
                        k++;
                      plen = k;
                    }
                }
              v = colon ? colon + 1 : NULL;
            }
        }
      /* back up to a directory boundary shared by every path */
      while (prefix && plen > 0 && prefix[plen] != '/')
        plen--;
      if (prefix && plen > 1)
        {
          cleanup_free char *dir = strndup (prefix, plen);
          struct strbuf sb = { 0 };
          for (const char *s = data; *s;)
            {
              if (s[0] == '/' && strncmp (s, dir, plen) == 0 && s[plen] == '/'
                  && (s == data || s[-1] == '=' || s[-1] == ':'))
                {
                  s += plen + 1;
                  continue;
                }
              sb_append (&sb, s, 1);
              s++;
            }
          shortened = sb.buf;
          data = shortened;
          cfg->overlay_cwd = cwd = steal_ptr (&dir); /* leaked on purpose: lives until exec */
        }
    }
  if (cwd && cwd[0])
    {
      oldcwd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (chdir (cwd) < 0)
        return make_err (err, errno, "chdir to `%s`", cwd);
    }
  if ((long) strlen (data) >= page)
    return make_err (err, E2BIG, "overlay options for `%s` (%zu bytes)", cfg->root_path, strlen (data));
  if (mount ("overlay", cfg->root_path, "overlay", 0, data) < 0)
    {
      int e = errno;
      if (oldcwd >= 0)
        (void) !fchdir (oldcwd);
      return make_err (err, e, "mount overlay on `%s`", cfg->root_path);
    }
  if (oldcwd >= 0 && fchdir (oldcwd) < 0)
    return make_err (err, errno, "fchdir");
  return 0;
}

static int
mount_cgroup_fs (int rootfd, const char *rootfs, struct berth_mount *m, const struct berth_cgroup *cg,
                 struct berth_err *err)
{
  cleanup_close int dfd = open_or_create_in_root (rootfd, rootfs, m->destination, false, err);
  if (dfd < 0)
    return -1;
  char dp[64];
  fd_path (dfd, dp, sizeof (dp));
  unsigned long flags = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  if (cgroup_is_v2 ())
    {
      if (mount ("cgroup2", dp, "cgroup2", flags, NULL) < 0)
        return make_err (err, errno, "mount `cgroup2` on `%s`", m->destination);
      return 0;
    }
  /* v1: a tmpfs holding one bind of the container's cgroup per controller */
  if (mount ("tmpfs", dp, "tmpfs", flags & ~MS_RDONLY, "mode=755") < 0)
    return make_err (err, errno, "mount `tmpfs` on `%s`", m->destination);
  for (size_t i = 0; cg && i < cg->n; i++)
    {
      char sub[PATH_MAX];
      snprintf (sub, sizeof (sub), "%s/%s", m->destination, cg->h[i].name);
      cleanup_close int sfd = open_or_create_in_root (rootfd, rootfs, sub, false, err);
      if (sfd < 0)
        return -1;
      char sp[64];
      fd_path (sfd, sp, sizeof (sp));
      if (mount (cg->h[i].dir, sp, NULL, MS_BIND, NULL) < 0)
        return make_err (err, errno, "bind `%s` on `%s`", cg->h[i].dir, sub);
      if (flags)
        {
          cleanup_close int nfd = open_in_root (rootfd, rootfs, sub, 0);
          if (nfd >= 0)
            {
              fd_path (nfd, sp, sizeof (sp));
              if (remount_bind (sp, flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, err) < 0)
                return -1;
            }
        }
    }
  if (flags & MS_RDONLY)
    {
      cleanup_close int nfd = open_in_root (rootfd, rootfs, m->destination, 0);
      if (nfd < 0)
        return make_err (err, errno, "open `%s`", m->destination);
      fd_path (nfd, dp, sizeof (dp));
      if (mount (NULL, dp, NULL, MS_REMOUNT | flags, "mode=755") < 0)
        return make_err (err, errno, "remount `%s` read-only", m->destination);
    }
  return 0;
}

static int
mount_one (int rootfd, const char *rootfs, struct berth_mount *m, const struct berth_cgroup *cg,
           struct berth_err *err)
{
  const char *type = m->type ? m->type : "";
  if (!m->bind && strcmp (type, "cgroup") == 0)
    return mount_cgroup_fs (rootfd, rootfs, m, cg, err);

  bool is_file = false;
  if (m->bind)
    {
      struct stat st;
      if (stat (m->source, &st) < 0)
        return make_err (err, errno, "stat bind source `%s`", m->source);
      is_file = !S_ISDIR (st.st_mode);
    }
  cleanup_close int dfd = open_or_create_in_root (rootfd, rootfs, m->destination, is_file, err);
  if (dfd < 0)
    return -1;
  char dp[64];
  fd_path (dfd, dp, sizeof (dp));

  if (m->bind)
    {
      if (mount (m->source, dp, NULL, MS_BIND | (m->flags & MS_REC), NULL) < 0)
        return make_err (err, errno, "mount `%s` on `%s`", m->source, m->destination);
      unsigned long extra = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
      if (extra || m->propagation)
        {
          /* the fd we have is under the new mount: reopen to get the mount itself */
          cleanup_close int nfd = open_in_root (rootfd, rootfs, m->destination, 0);
          if (nfd < 0)
            return make_err (err, errno, "open `%s` in the rootfs", m->destination);
          char np[64];
          fd_path (nfd, np, sizeof (np));
          if (extra && remount_bind (np, extra, err) < 0)
            return -1;
          if (m->propagation && mount (NULL, np, NULL, m->propagation, NULL) < 0)
            return make_err (err, errno, "set propagation of `%s`", m->destination);
        }
      return 0;
    }

  const char *source = m->source ? m->source : type;
  unsigned long flags = m->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  if (mount (source, dp, type, flags, m->data) < 0)
    {
      int e = errno;
      /* sysfs in a network namespace we do not own, or mqueue without an
       * IPC namespace: fall back to binding the host's, as runc does */
      if ((strcmp (type, "sysfs") == 0 || strcmp (type, "mqueue") == 0) && (e == EPERM || e == EBUSY))
        {
          const char *host = strcmp (type, "sysfs") == 0 ? "/sys" : "/dev/mqueue";
          if (mount (host, dp, NULL, MS_BIND | MS_REC, NULL) == 0)
            {
              cleanup_close int nfd = open_in_root (rootfd, rootfs, m->destination, 0);
              if (nfd >= 0)
                {
                  char np[64];
                  fd_path (nfd, np, sizeof (np));
                  if (flags && remount_bind (np, flags, err) < 0)
                    return -1;
                }
              return 0;
            }
        }
      return make_err (err, e, "mount `%s` on `%s`", source, m->destination);
    }
  if (m->propagation)
    {
      cleanup_close int nfd = open_in_root (rootfd, rootfs, m->destination, 0);
      if (nfd < 0)
        return make_err (err, errno, "open `%s` in the rootfs", m->destination);
      char np[64];
      fd_path (nfd, np, sizeof (np));
      if (mount (NULL, np, NULL, m->propagation, NULL) < 0)
        return make_err (err, errno, "set propagation of `%s`", m->destination);
    }
  return 0;
}

static const struct
{
  const char *name;
  unsigned major, minor;
} default_devices[] = {
  { "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 }, { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static int
make_device (int rootfd, const char *rootfs, const char *path, mode_t mode, dev_t dev, uid_t uid, gid_t gid,
             struct berth_err *err)
{
  /* parent directory */
  char parent[PATH_MAX];
  snprintf (parent, sizeof (parent), "%s", path);
  char *slash = strrchr (parent, '/');
  if (slash == NULL)
    return make_err (err, EINVAL, "device path `%s`", path);
  const char *name = path + (slash - parent) + 1;
  *slash = '\0';
  cleanup_close int pfd = open_or_create_in_root (rootfd, rootfs, parent[0] ? parent : "/", false, err);
  if (pfd < 0)
    return -1;
  char pp[64];
  fd_path (pfd, pp, sizeof (pp));
  cleanup_close int dfd = open (pp, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (dfd < 0)
    return make_err (err, errno, "open `%s`", parent);
  if (mknodat (dfd, name, mode, dev) < 0)
    {
      if (errno == EEXIST)
        return 0;
      if (errno != EPERM)
        return make_err (err, errno, "mknod `%s`", path);
      /* no mknod (user namespace): bind the host's node instead */
      int f = openat (dfd, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
      if (f < 0 && errno != EEXIST)
        return make_err (err, errno, "create `%s`", path);
      if (f >= 0)
        close (f);
      cleanup_close int nfd = open_in_root (rootfd, rootfs, path, 0);
      if (nfd < 0)
        return make_err (err, errno, "open `%s`", path);
      char np[64];
      fd_path (nfd, np, sizeof (np));
      if (mount (path, np, NULL, MS_BIND, NULL) < 0)
        return make_err (err, errno, "bind `%s`", path);
      return 0;
    }
  if (fchownat (dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
    return make_err (err, errno, "chown `%s`", path);
  if (fchmodat (dfd, name, mode & 07777, 0) < 0)
    return make_err (err, errno, "chmod `%s`", path);
  return 0;
}

static int
setup_dev (int rootfd, const char *rootfs, struct berth_config *cfg, bool dev_tmpfs, struct berth_err *err)
{
  if (dev_tmpfs)
    {
      for (size_t i = 0; i < sizeof (default_devices) / sizeof (default_devices[0]); i++)
        {
          char path[64];
          snprintf (path, sizeof (path), "/dev/%s", default_devices[i].name);
          bool overridden = false;
          for (size_t k = 0; k < cfg->ndevices; k++)
            if (strcmp (cfg->devices[k].path, path) == 0)
              overridden = true;
          if (overridden)
            continue;
          if (make_device (rootfd, rootfs, path, S_IFCHR | 0666,
                           makedev (default_devices[i].major, default_devices[i].minor), 0, 0, err)
              < 0)
            return -1;
        }
    }
  for (size_t i = 0; i < cfg->ndevices; i++)
    {
      struct berth_device *d = &cfg->devices[i];
      mode_t type;
      switch (d->type)
        {
        case 'c':
        case 'u':
          type = S_IFCHR;
          break;
        case 'b':
          type = S_IFBLK;
          break;
        case 'p':
          type = S_IFIFO;
          break;
        default:
          return make_err (err, 0, "invalid device type `%c` for `%s`", d->type, d->path);
        }
      mode_t mode = type | (d->has_mode ? (d->mode & 07777) : 0666);
      if (make_device (rootfd, rootfs, d->path, mode, makedev (d->major, d->minor), d->uid, d->gid, err) < 0)
        return -1;
    }
  if (dev_tmpfs)
    {
      static const char *const links[][2] = {
        { "fd", "/proc/self/fd" },         { "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
        { "stderr", "/proc/self/fd/2" }, { "ptmx", "pts/ptmx" },
      };
      cleanup_close int dev = open_in_root (rootfd, rootfs, "/dev", O_DIRECTORY);
      if (dev < 0)
        return make_err (err, errno, "open /dev in the rootfs");
      char dp[64];
      fd_path (dev, dp, sizeof (dp));
      cleanup_close int dfd = open (dp, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
      if (dfd < 0)
        return make_err (err, errno, "open /dev");
      for (size_t i = 0; i < sizeof (links) / sizeof (links[0]); i++)
        {
          if (strcmp (links[i][0], "ptmx") == 0)
            {
              /* a config that lists /dev/ptmx as a device keeps it */
              struct stat st;
              if (fstatat (dfd, "ptmx", &st, AT_SYMLINK_NOFOLLOW) == 0)
                continue;
            }
          if (symlinkat (links[i][1], dfd, links[i][0]) < 0 && errno != EEXIST)
            return make_err (err, errno, "symlink `/dev/%s`", links[i][0]);
        }
    }
  return 0;
}

int
mounts_setup_rootfs (struct berth_config *cfg, const struct berth_cgroup *cg, struct berth_err *err)
{
  unsigned long prop = cfg->rootfs_propagation ? cfg->rootfs_propagation : (MS_REC | MS_PRIVATE);
  if (!(prop & MS_REC))
    prop |= MS_REC;
  if (mount (NULL, "/", NULL, prop, NULL) < 0)
    return make_err (err, errno, "make `/` private");

  if (cfg->overlay && cfg->overlay[0])
    {
      if (mount_overlay (cfg, err) < 0)
        return -1;
    }
  else if (mount (cfg->root_path, cfg->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
    return make_err (err, errno, "bind `%s` on itself", cfg->root_path);

  cleanup_close int rootfd = open (cfg->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0)
    return make_err (err, errno, "open rootfs `%s`", cfg->root_path);

  bool dev_tmpfs = false;
  for (size_t i = 0; i < cfg->nmounts; i++)
    {
      struct berth_mount *m = &cfg->mounts[i];
      if (mount_one (rootfd, cfg->root_path, m, cg, err) < 0)
        return -1;
      if (strcmp (m->destination, "/dev") == 0 && !m->bind)
        dev_tmpfs = m->type && strcmp (m->type, "tmpfs") == 0;
    }
  if (setup_dev (rootfd, cfg->root_path, cfg, dev_tmpfs, err) < 0)
    return -1;
  return 0;
}

int
mounts_pivot_root (const char *rootfs, struct berth_err *err)
{
  cleanup_close int oldroot = open ("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (oldroot < 0)
    return make_err (err, errno, "open `/`");
  cleanup_close int newroot = open (rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
  if (newroot < 0)
    return make_err (err, errno, "open `%s`", rootfs);
  if (fchdir (newroot) < 0)
    return make_err (err, errno, "chdir to `%s`", rootfs);
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return make_err (err, errno, "pivot_root `%s`", rootfs);
  /* the old root is now stacked under the new one: detach it */
  if (fchdir (oldroot) < 0)
    return make_err (err, errno, "fchdir to the old root");
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return make_err (err, errno, "make the old root rslave");
  if (umount2 (".", MNT_DETACH) < 0)
    return make_err (err, errno, "unmount the old root");
  if (chdir ("/") < 0)
    return make_err (err, errno, "chdir to `/`");
  return 0;
}

static int
mkdir_p (const char *path, mode_t mode)
{
  char buf[PATH_MAX];
  snprintf (buf, sizeof (buf), "%s", path);
  for (char *p = buf + 1; *p; p++)
    if (*p == '/')
      {
        *p = '\0';
        if (mkdir (buf, mode) < 0 && errno != EEXIST)
          return -1;
        *p = '/';
      }
  if (mkdir (buf, mode) < 0 && errno != EEXIST)
    return -1;
  return 0;
}

static int
mask_path (const char *path, struct berth_err *err)
{
  struct stat st;
  if (stat (path, &st) < 0)
    {
      if (errno == ENOENT)
        return 0;
      return make_err (err, errno, "stat `%s`", path);
    }
  if (S_ISDIR (st.st_mode))
    {
      if (mount ("tmpfs", path, "tmpfs", MS_RDONLY, NULL) < 0)
        return make_err (err, errno, "mask `%s`", path);
      return 0;
    }
  if (mount ("/dev/null", path, NULL, MS_BIND, NULL) < 0)
    {
      if (errno == ENOENT)
        return 0;
      return make_err (err, errno, "mask `%s`", path);
    }
  return 0;
}

static int
readonly_path (const char *path, struct berth_err *err)
{
  if (mount (path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
    {
      if (errno == ENOENT)
        return 0;
      return make_err (err, errno, "bind `%s` on itself", path);
    }
  return remount_ro (path, MS_REC, err);
}

int
mounts_finalize (struct berth_config *cfg, struct berth_err *err)
{
  if (cfg->sysctl)
    {
      const char *key;
      json_t *val;
      json_object_foreach (cfg->sysctl, key, val)
      {
        if (!json_is_string (val))
          continue;
        char path[PATH_MAX];
        int n = snprintf (path, sizeof (path), "/proc/sys/%s", key);
        for (char *p = path + 10; p < path + n; p++)
          if (*p == '.')
            *p = '/';
        const char *v = json_string_value (val);
        if (write_file (path, v, strlen (v), err) < 0)
          return make_err (err, err->errnum, "write sysctl `%s`", key);
      }
    }
  for (size_t i = 0; i < cfg->n_readonly; i++)
    if (readonly_path (cfg->readonly_paths[i], err) < 0)
      return -1;
  for (size_t i = 0; i < cfg->n_masked; i++)
    if (mask_path (cfg->masked_paths[i], err) < 0)
      return -1;
  if (cfg->root_readonly && remount_ro ("/", 0, err) < 0)
    return -1;
  return 0;
}

int
mounts_bind_console (const char *slave_path, struct berth_err *err)
{
  int f = open ("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (f < 0 && errno != EEXIST)
    return make_err (err, errno, "create `/dev/console`");
  if (f >= 0)
    close (f);
  if (mount (slave_path, "/dev/console", NULL, MS_BIND, NULL) < 0)
    return make_err (err, errno, "bind `%s` on `/dev/console`", slave_path);
  return 0;
}

/* Create the working directory if the image lacks it (runc does too). */
int
mounts_make_cwd (const char *cwd)
{
  return mkdir_p (cwd, 0755);
}
