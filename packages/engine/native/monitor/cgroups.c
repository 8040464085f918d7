/* berth-monitor: cgroups. v1 gets a directory under every mounted
 * controller hierarchy, v2 one directory under /sys/fs/cgroup. On hybrid
 * hosts (v1 controllers plus a cgroup2 mount at /sys/fs/cgroup/unified) we
 * use v1, as runc does. */
#include "cgroups.h"
#include "devfilter.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/vfs.h>

#define CGROUP_ROOT "/sys/fs/cgroup"
#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif
#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static const char *const v1_controllers[] = {
  "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids",
  "net_cls", "net_prio", "perf_event", "hugetlb", "rdma", "misc",
};

bool
cgroup_is_v2 (void)
{
  struct statfs sfs;
  if (statfs (CGROUP_ROOT, &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC)
    return true;
  return false;
}

void
cgroup_init (struct berth_cgroup *cg)
{
  memset (cg, 0, sizeof (*cg));
  cg->v2_dirfd = -1;
}

static int
normalize_path (const char *path, char **out, struct berth_err *err)
{
  while (*path == '/')
    path++;
  struct strbuf sb = { 0 };
  const char *p = path;
  while (*p)
    {
      const char *e = strchr (p, '/');
      size_t l = e ? (size_t) (e - p) : strlen (p);
      if (l == 2 && p[0] == '.' && p[1] == '.')
        {
          sb_free (&sb);
          return make_err (err, 0, "invalid cgroupsPath `%s`", path);
        }
      if (l > 0 && !(l == 1 && p[0] == '.'))
        {
          if (sb.len)
            sb_append (&sb, "/", 1);
          sb_append (&sb, p, l);
        }
      p += l;
      while (*p == '/')
        p++;
    }
  if (sb.len == 0)
    return make_err (err, 0, "invalid cgroupsPath `%s`", path);
  *out = sb.buf;
  return 0;
}

static bool
file_exists (const char *dir, const char *name)
{
  char p[PATH_MAX];
  snprintf (p, sizeof (p), "%s/%s", dir, name);
  return access (p, F_OK) == 0;
}

static int
cg_write (const char *dir, const char *file, const char *value, struct berth_err *err)
{
  char p[PATH_MAX];
  snprintf (p, sizeof (p), "%s/%s", dir, file);
  return write_file (p, value, strlen (value), err);
}

static int
cg_write_int (const char *dir, const char *file, int64_t value, struct berth_err *err)
{
  char buf[32];
  snprintf (buf, sizeof (buf), "%lld", (long long) value);
  return cg_write (dir, file, buf, err);
}

/* cpuset.cpus/mems start empty in a new v1 cpuset: copy them from the
 * parent, or nothing can join the cgroup. */
static int
cpuset_copy_from_parent (const char *dir, const char *file, struct berth_err *err)
{
  char p[PATH_MAX];
  snprintf (p, sizeof (p), "%s/%s", dir, file);
  cleanup_free char *cur = NULL;
  if (read_file (p, &cur, NULL, err) < 0)
    return -1;
  if (strspn (cur, " \n") != strlen (cur))
    return 0;
  char parent[PATH_MAX];
  snprintf (parent, sizeof (parent), "%s", dir);
  char *slash = strrchr (parent, '/');
  if (slash == NULL)
    return 0;
  *slash = '\0';
  char pp[PATH_MAX];
  snprintf (pp, sizeof (pp), "%s/%s", parent, file);
  cleanup_free char *val = NULL;
  if (read_file (pp, &val, NULL, err) < 0)
    return -1;
  size_t l = strlen (val);
  while (l && (val[l - 1] == '\n' || val[l - 1] == ' '))
    val[--l] = '\0';
  if (l == 0)
    return 0;
  return write_file (p, val, l, err);
}

/* mkdir mount/rel level by level; returns whether the leaf was new. */
static int
mkdir_levels (const char *mount, const char *rel, bool cpuset, bool v2, struct berth_err *err)
{
  char path[PATH_MAX];
  size_t ml = snprintf (path, sizeof (path), "%s/", mount);
  const char *p = rel;
  while (*p)
    {
      const char *e = strchr (p, '/');
      size_t l = e ? (size_t) (e - p) : strlen (p);
      if (ml + l + 2 >= sizeof (path))
        return make_err (err, ENAMETOOLONG, "cgroup path `%s/%s`", mount, rel);
      if (v2)
        {
          /* enable the controllers we use in this level's parent */
          path[ml - 1] = '\0';
          char ctl[PATH_MAX];
          snprintf (ctl, sizeof (ctl), "%s/cgroup.controllers", path);
          cleanup_free char *avail = NULL;
          struct berth_err ignored;
          if (read_file (ctl, &avail, NULL, &ignored) == 0)
            {
              static const char *const want[] = { "cpu", "cpuset", "io", "memory", "pids", "hugetlb" };
              char sub[PATH_MAX];
              snprintf (sub, sizeof (sub), "%s/cgroup.subtree_control", path);
              for (size_t i = 0; i < sizeof (want) / sizeof (want[0]); i++)
                {
                  /* whole-word match in the space separated list */
                  const char *s = avail;
                  size_t wl = strlen (want[i]);
                  bool found = false;
                  while ((s = strstr (s, want[i])) != NULL)
                    {
                      if ((s == avail || s[-1] == ' ') && (s[wl] == ' ' || s[wl] == '\n' || s[wl] == '\0'))
                        {
                          found = true;
                          break;
                        }
                      s += wl;
                    }
                  if (!found)
                    continue;
                  char v[32];
                  snprintf (v, sizeof (v), "+%s", want[i]);
                  write_file (sub, v, strlen (v), &ignored);
                }
            }
          path[ml - 1] = '/';
        }
      memcpy (path + ml, p, l);
      path[ml + l] = '\0';
      if (mkdir (path, 0755) < 0 && errno != EEXIST)
        return make_err (err, errno, "mkdir `%s`", path);
      if (cpuset)
        {
          if (cpuset_copy_from_parent (path, "cpuset.cpus", err) < 0)
            return -1;
          if (cpuset_copy_from_parent (path, "cpuset.mems", err) < 0)
            return -1;
        }
      ml += l;
      path[ml++] = '/';
      p += l;
      while (*p == '/')
        p++;
    }
  return 0;
}

static int
apply_v1 (struct cgroup_hier *h, const struct berth_resources *r, struct berth_err *err)
{
  const char *d = h->dir;
  if (strcmp (h->name, "memory") == 0)
    {
      if (r->has_mem_limit && r->mem_limit != 0)
        {
          bool has_memsw = file_exists (d, "memory.memsw.limit_in_bytes");
          int64_t limit = r->mem_limit > 0 ? r->mem_limit : -1;
          if (cg_write_int (d, "memory.limit_in_bytes", limit, err) < 0)
            {
              /* limit above the current memsw limit: raise memsw first */
              if (!(has_memsw && r->has_mem_swap && err->errnum == EINVAL))
                return -1;
              if (cg_write_int (d, "memory.memsw.limit_in_bytes", r->mem_swap, err) < 0)
                return -1;
              if (cg_write_int (d, "memory.limit_in_bytes", limit, err) < 0)
                return -1;
            }
          if (has_memsw && r->has_mem_swap && r->mem_swap != 0)
            if (cg_write_int (d, "memory.memsw.limit_in_bytes", r->mem_swap > 0 ? r->mem_swap : -1, err) < 0)
              return -1;
        }
      if (r->has_mem_reservation && r->mem_reservation > 0)
        if (cg_write_int (d, "memory.soft_limit_in_bytes", r->mem_reservation, err) < 0)
          return -1;
      if (r->disable_oom_killer)
        if (cg_write (d, "memory.oom_control", "1", err) < 0)
          return -1;
    }
  else if (strcmp (h->name, "cpu") == 0)
    {
      if (r->has_cpu_shares)
        if (cg_write_int (d, "cpu.shares", (int64_t) r->cpu_shares, err) < 0)
          return -1;
      if (r->has_cpu_period)
        if (cg_write_int (d, "cpu.cfs_period_us", (int64_t) r->cpu_period, err) < 0)
          return -1;
      if (r->has_cpu_quota)
        if (cg_write_int (d, "cpu.cfs_quota_us", r->cpu_quota, err) < 0)
          return -1;
    }
  else if (strcmp (h->name, "cpuset") == 0)
    {
      if (r->cpus && cg_write (d, "cpuset.cpus", r->cpus, err) < 0)
        return -1;
      if (r->mems && cg_write (d, "cpuset.mems", r->mems, err) < 0)
        return -1;
    }
  else if (strcmp (h->name, "pids") == 0)
    {
      if (r->has_pids_limit)
        {
          if (r->pids_limit > 0)
            {
              if (cg_write_int (d, "pids.max", r->pids_limit, err) < 0)
                return -1;
            }
          else if (cg_write (d, "pids.max", "max", err) < 0)
            return -1;
        }
    }
  else if (strcmp (h->name, "devices") == 0)
    {
      for (size_t i = 0; i < r->n_device_rules; i++)
        {
          const struct berth_device_rule *rule = &r->device_rules[i];
          char val[128];
          if (rule->type == 'a')
            snprintf (val, sizeof (val), "a");
          else
            {
              char maj[24], min[24];
              if (rule->major < 0)
                strcpy (maj, "*");
              else
                snprintf (maj, sizeof (maj), "%lld", (long long) rule->major);
              if (rule->minor < 0)
                strcpy (min, "*");
              else
                snprintf (min, sizeof (min), "%lld", (long long) rule->minor);
              snprintf (val, sizeof (val), "%c %s:%s %s", rule->type, maj, min, rule->access);
            }
          if (cg_write (d, rule->allow ? "devices.allow" : "devices.deny", val, err) < 0)
            return -1;
        }
    }
  return 0;
}

static int
apply_v2 (const char *d, const struct berth_resources *r, struct berth_err *err)
{
  char buf[128];
  if (r->has_mem_limit && r->mem_limit != 0)
    {
      if (r->mem_limit > 0)
        snprintf (buf, sizeof (buf), "%lld", (long long) r->mem_limit);
      else
        strcpy (buf, "max");
      if (cg_write (d, "memory.max", buf, err) < 0)
        return -1;
      if (r->has_mem_swap && r->mem_swap != 0 && file_exists (d, "memory.swap.max"))
        {
          if (r->mem_swap < 0)
            strcpy (buf, "max");
          else if (r->mem_limit > 0)
            snprintf (buf, sizeof (buf), "%lld",
                      (long long) (r->mem_swap > r->mem_limit ? r->mem_swap - r->mem_limit : 0));
          else
            snprintf (buf, sizeof (buf), "%lld", (long long) r->mem_swap);
          if (cg_write (d, "memory.swap.max", buf, err) < 0)
            return -1;
        }
    }
  if (r->has_mem_reservation && r->mem_reservation > 0)
    if (cg_write_int (d, "memory.low", r->mem_reservation, err) < 0)
      return -1;
  if (r->has_cpu_shares)
    {
      uint64_t shares = r->cpu_shares < 2 ? 2 : (r->cpu_shares > 262144 ? 262144 : r->cpu_shares);
      uint64_t weight = 1 + ((shares - 2) * 9999) / 262142;
      if (cg_write_int (d, "cpu.weight", (int64_t) weight, err) < 0)
        return -1;
    }
  if (r->has_cpu_quota || r->has_cpu_period)
    {
      uint64_t period = r->has_cpu_period ? r->cpu_period : 100000;
      if (r->has_cpu_quota && r->cpu_quota > 0)
        snprintf (buf, sizeof (buf), "%lld %llu", (long long) r->cpu_quota, (unsigned long long) period);
      else
        snprintf (buf, sizeof (buf), "max %llu", (unsigned long long) period);
      if (cg_write (d, "cpu.max", buf, err) < 0)
        return -1;
    }
  if (r->cpus && cg_write (d, "cpuset.cpus", r->cpus, err) < 0)
    return -1;
  if (r->mems && cg_write (d, "cpuset.mems", r->mems, err) < 0)
    return -1;
  if (r->has_pids_limit)
    {
      if (r->pids_limit > 0)
        snprintf (buf, sizeof (buf), "%lld", (long long) r->pids_limit);
      else
        strcpy (buf, "max");
      if (cg_write (d, "pids.max", buf, err) < 0)
        return -1;
    }
  if (r->n_device_rules && devfilter_attach (d, r->device_rules, r->n_device_rules, err) < 0)
    return -1;
  return 0;
}

int
cgroup_create (struct berth_cgroup *cg, const char *path, const struct berth_resources *res,
               struct berth_err *err)
{
  if (normalize_path (path, &cg->rel, err) < 0)
    return -1;
  cg->enabled = true;
  cg->v2 = cgroup_is_v2 ();
  if (cg->v2)
    {
      struct cgroup_hier *h = &cg->h[cg->n++];
      strcpy (h->name, "unified");
      xasprintf (&h->dir, "%s/%s", CGROUP_ROOT, cg->rel);
      if (mkdir_levels (CGROUP_ROOT, cg->rel, false, true, err) < 0)
        return -1;
      h->created = true;
      if (apply_v2 (h->dir, res, err) < 0)
        return -1;
      cg->v2_dirfd = open (h->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (cg->v2_dirfd < 0)
        return make_err (err, errno, "open `%s`", h->dir);
      return 0;
    }

  /* v1: every mounted controller hierarchy, once per distinct mount */
  dev_t seen[CGROUP_MAX_HIER];
  size_t nseen = 0;
  for (size_t i = 0; i < sizeof (v1_controllers) / sizeof (v1_controllers[0]); i++)
    {
      char mount[PATH_MAX];
      snprintf (mount, sizeof (mount), "%s/%s", CGROUP_ROOT, v1_controllers[i]);
      struct statfs sfs;
      struct stat st;
      if (statfs (mount, &sfs) < 0 || sfs.f_type != CGROUP_SUPER_MAGIC || stat (mount, &st) < 0)
        continue;
      bool dup = false;
      for (size_t k = 0; k < nseen; k++)
        if (seen[k] == st.st_dev)
          dup = true;
      if (dup || nseen >= CGROUP_MAX_HIER)
        continue;
      seen[nseen++] = st.st_dev;
      struct cgroup_hier *h = &cg->h[cg->n++];
      snprintf (h->name, sizeof (h->name), "%s", v1_controllers[i]);
      xasprintf (&h->dir, "%s/%s", mount, cg->rel);
      if (mkdir_levels (mount, cg->rel, strcmp (h->name, "cpuset") == 0, false, err) < 0)
        return -1;
      h->created = true;
    }
  if (cg->n == 0)
    return make_err (err, 0, "no cgroup controllers mounted under %s", CGROUP_ROOT);
  /* cpu (shares/quota) and cpuacct may share one mount as "cpu,cpuacct" */
  for (size_t i = 0; i < cg->n; i++)
    {
      struct cgroup_hier *h = &cg->h[i];
      if (strcmp (h->name, "cpuacct") == 0 && !file_exists (h->dir, "cpu.shares"))
        continue;
      if (strcmp (h->name, "cpuacct") == 0)
        {
          /* co-mounted: treat like cpu */
          struct cgroup_hier tmp = *h;
          strcpy (tmp.name, "cpu");
          if (apply_v1 (&tmp, res, err) < 0)
            return -1;
          continue;
        }
      if (apply_v1 (h, res, err) < 0)
        return -1;
    }
  return 0;
}

/* Runs in the child: moving oneself (a single thread) by writing "0" to a
 * v1 "tasks" file skips cgroup_threadgroup_rwsem, whose write side costs an
 * RCU grace period (~10 ms) per cgroup.procs write from the outside. */
int
cgroup_enter_self (struct berth_cgroup *cg, bool into_cgroup_done, struct berth_err *err)
{
  for (size_t i = 0; i < cg->n; i++)
    {
      char p[PATH_MAX];
      if (cg->v2)
        {
          if (into_cgroup_done)
            continue;
          snprintf (p, sizeof (p), "%s/cgroup.procs", cg->h[i].dir);
        }
      else
        snprintf (p, sizeof (p), "%s/tasks", cg->h[i].dir);
      if (write_file (p, "0", 1, err) < 0)
        return -1;
    }
  return 0;
}

static bool
read_counter (const char *dir, const char *file, const char *key)
{
  char p[PATH_MAX];
  snprintf (p, sizeof (p), "%s/%s", dir, file);
  cleanup_free char *data = NULL;
  struct berth_err ignored;
  if (read_file (p, &data, NULL, &ignored) < 0)
    return false;
  size_t kl = strlen (key);
  for (char *line = data; line && *line;)
    {
      char *nl = strchr (line, '\n');
      if (strncmp (line, key, kl) == 0 && line[kl] == ' ')
        return strtoll (line + kl + 1, NULL, 10) > 0;
      line = nl ? nl + 1 : NULL;
    }
  return false;
}

bool
cgroup_oom_killed (struct berth_cgroup *cg)
{
  for (size_t i = 0; i < cg->n; i++)
    {
      if (cg->v2)
        return read_counter (cg->h[i].dir, "memory.events", "oom_kill");
      if (strcmp (cg->h[i].name, "memory") == 0)
        return read_counter (cg->h[i].dir, "memory.oom_control", "oom_kill");
    }
  return false;
}

static int
kill_procs (const char *dir)
{
  char p[PATH_MAX];
  snprintf (p, sizeof (p), "%s/cgroup.procs", dir);
  cleanup_free char *data = NULL;
  struct berth_err ignored;
  if (read_file (p, &data, NULL, &ignored) < 0)
    return 0;
  int n = 0;
  for (char *s = data; *s;)
    {
      char *end;
      long pid = strtol (s, &end, 10);
      if (end == s)
        break;
      if (pid > 0)
        {
          kill ((pid_t) pid, SIGKILL);
          n++;
        }
      s = end;
      while (*s == '\n')
        s++;
    }
  return n;
}

void
cgroup_destroy (struct berth_cgroup *cg)
{
  if (cg->v2_dirfd >= 0)
    close (cg->v2_dirfd);
  cg->v2_dirfd = -1;
  /* Processes left behind (no private pid namespace) keep the cgroup busy:
   * kill them and give the kernel a moment to let go, bounded. */
  for (int attempt = 0; attempt < 100; attempt++)
    {
      bool busy = false;
      for (size_t i = 0; i < cg->n; i++)
        {
          struct cgroup_hier *h = &cg->h[i];
          if (!h->created)
            continue;
          if (rmdir (h->dir) == 0 || errno == ENOENT)
            h->created = false;
          else if (errno == EBUSY)
            {
              busy = true;
              kill_procs (h->dir);
            }
          else
            h->created = false;
        }
      if (!busy)
        break;
      poll (NULL, 0, 10);
    }
  for (size_t i = 0; i < cg->n; i++)
    free (cg->h[i].dir);
  free (cg->rel);
  cg->n = 0;
  cg->rel = NULL;
  cg->enabled = false;
}

int
cgroup_load_like (struct berth_cgroup *cg, pid_t target, struct berth_err *err)
{
  char p[64];
  snprintf (p, sizeof (p), "/proc/%d/cgroup", target);
  cleanup_free char *data = NULL;
  if (read_file (p, &data, NULL, err) < 0)
    return -1;
  cg->v2 = cgroup_is_v2 ();
  for (char *line = data; line && *line;)
    {
      char *nl = strchr (line, '\n');
      if (nl)
        *nl = '\0';
      char *c1 = strchr (line, ':');
      char *c2 = c1 ? strchr (c1 + 1, ':') : NULL;
      if (c1 && c2 && cg->n < CGROUP_MAX_HIER)
        {
          *c1 = *c2 = '\0';
          const char *ctrls = c1 + 1, *path = c2 + 1;
          struct cgroup_hier *h = &cg->h[cg->n];
          if (ctrls[0] == '\0')
            {
              /* the v2 hierarchy; on hybrid hosts it holds no controller of ours */
              if (cg->v2)
                {
                  strcpy (h->name, "unified");
                  xasprintf (&h->dir, "%s%s", CGROUP_ROOT, path);
                  cg->n++;
                  cg->v2_dirfd = open (h->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
                  if (cg->v2_dirfd < 0)
                    return make_err (err, errno, "open `%s`", h->dir);
                }
            }
          else if (!cg->v2 && strncmp (ctrls, "name=", 5) != 0)
            {
              /* co-mounted controllers ("cpu,cpuacct") live at the joined name or the first one */
              char dir[PATH_MAX];
              snprintf (dir, sizeof (dir), "%s/%s", CGROUP_ROOT, ctrls);
              if (access (dir, F_OK) < 0)
                snprintf (dir, sizeof (dir), "%s/%.*s", CGROUP_ROOT, (int) strcspn (ctrls, ","), ctrls);
              snprintf (h->name, sizeof (h->name), "%s", ctrls);
              xasprintf (&h->dir, "%s%s", dir, path);
              cg->n++;
            }
        }
      line = nl ? nl + 1 : NULL;
    }
  return 0;
}
