/* berth-monitor: config.json / process.json parsing. Strings stay owned by
 * the jansson tree, which lives as long as the monitor does. */
#include "config.h"

#include <sched.h>
#include <sys/mount.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

static const char *const cap_names[] = {
  "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
  "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
  "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
  "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
  "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
  "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

int
cap_from_name (const char *name)
{
  if (strncasecmp (name, "CAP_", 4) == 0)
    name += 4;
  for (size_t i = 0; i < sizeof (cap_names) / sizeof (cap_names[0]); i++)
    if (strcasecmp (name, cap_names[i]) == 0)
      return (int) i;
  return -1;
}

static const struct
{
  const char *name;
  int resource;
} rlimit_names[] = {
  { "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_FSIZE", RLIMIT_FSIZE },
  { "RLIMIT_DATA", RLIMIT_DATA },       { "RLIMIT_STACK", RLIMIT_STACK },
  { "RLIMIT_CORE", RLIMIT_CORE },       { "RLIMIT_RSS", RLIMIT_RSS },
  { "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_NOFILE", RLIMIT_NOFILE },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_AS", RLIMIT_AS },
  { "RLIMIT_LOCKS", RLIMIT_LOCKS },     { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
  { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
  { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

static const char *
jstr (json_t *obj, const char *key)
{
  json_t *v = obj ? json_object_get (obj, key) : NULL;
  return json_is_string (v) ? json_string_value (v) : NULL;
}

static bool
jbool (json_t *obj, const char *key)
{
  json_t *v = obj ? json_object_get (obj, key) : NULL;
  return json_is_true (v);
}

static bool
jint (json_t *obj, const char *key, int64_t *out)
{
  json_t *v = obj ? json_object_get (obj, key) : NULL;
  if (json_is_integer (v))
    {
      *out = json_integer_value (v);
      return true;
    }
  if (json_is_real (v))
    {
      *out = (int64_t) json_real_value (v);
      return true;
    }
  return false;
}

static bool
annotation_true (json_t *annotations, const char *key)
{
  const char *v = jstr (annotations, key);
  return v && (strcmp (v, "true") == 0 || strcmp (v, "1") == 0);
}

static int
parse_strv (json_t *arr, char ***out, size_t *n, const char *what, struct berth_err *err)
{
  *out = NULL;
  *n = 0;
  if (arr == NULL || json_is_null (arr))
    {
      *out = xmalloc0 (sizeof (char *));
      return 0;
    }
  if (!json_is_array (arr))
    return make_err (err, 0, "invalid config: `%s` is not an array", what);
  size_t len = json_array_size (arr);
  char **v = xmalloc0 ((len + 1) * sizeof (char *));
  for (size_t i = 0; i < len; i++)
    {
      json_t *s = json_array_get (arr, i);
      if (!json_is_string (s))
        {
          free (v);
          return make_err (err, 0, "invalid config: `%s[%zu]` is not a string", what, i);
        }
      v[i] = (char *) json_string_value (s);
    }
  *out = v;
  *n = len;
  return 0;
}

static int
parse_cap_set (json_t *caps, const char *key, uint64_t *out, struct berth_err *err)
{
  (void) err;
  *out = 0;
  json_t *arr = json_object_get (caps, key);
  if (!json_is_array (arr))
    return 0;
  size_t i;
  json_t *v;
  json_array_foreach (arr, i, v)
  {
    if (!json_is_string (v))
      continue;
    int c = cap_from_name (json_string_value (v));
    if (c >= 0)
      *out |= 1ULL << c; /* unknown names are ignored, as runc does */
  }
  return 0;
}

static int
parse_process (json_t *p, json_t *annotations, struct berth_process *proc, struct berth_err *err)
{
  memset (proc, 0, sizeof (*proc));
  if (!json_is_object (p))
    return make_err (err, 0, "invalid config: `process` is missing");

  proc->terminal = jbool (p, "terminal");
  json_t *cs = json_object_get (p, "consoleSize");
  int64_t v;
  if (jint (cs, "height", &v))
    proc->rows = (unsigned short) v;
  if (jint (cs, "width", &v))
    proc->cols = (unsigned short) v;

  json_t *user = json_object_get (p, "user");
  if (jint (user, "uid", &v))
    proc->uid = (uid_t) v;
  if (jint (user, "gid", &v))
    proc->gid = (gid_t) v;
  if (jint (user, "umask", &v))
    {
      proc->has_umask = true;
      proc->umask = (mode_t) v & 0777;
    }
  json_t *ag = json_object_get (user, "additionalGids");
  if (json_is_array (ag))
    {
      proc->additional_gids = xmalloc0 (sizeof (gid_t) * (json_array_size (ag) + 1));
      size_t i;
      json_t *g;
      json_array_foreach (ag, i, g)
      {
        if (json_is_integer (g))
          proc->additional_gids[proc->n_additional_gids++] = (gid_t) json_integer_value (g);
      }
    }

  if (parse_strv (json_object_get (p, "args"), &proc->args, &proc->nargs, "process.args", err) < 0)
    return -1;
  if (proc->nargs == 0)
    return make_err (err, 0, "invalid config: `process.args` must not be empty");
  if (parse_strv (json_object_get (p, "env"), &proc->env, &proc->nenv, "process.env", err) < 0)
    return -1;
  proc->cwd = jstr (p, "cwd");
  if (proc->cwd == NULL || proc->cwd[0] == '\0')
    proc->cwd = "/";

  json_t *caps = json_object_get (p, "capabilities");
  if (json_is_object (caps))
    {
      proc->caps.given = true;
      parse_cap_set (caps, "bounding", &proc->caps.bounding, err);
      parse_cap_set (caps, "effective", &proc->caps.effective, err);
      parse_cap_set (caps, "permitted", &proc->caps.permitted, err);
      parse_cap_set (caps, "inheritable", &proc->caps.inheritable, err);
      parse_cap_set (caps, "ambient", &proc->caps.ambient, err);
    }

  json_t *rl = json_object_get (p, "rlimits");
  if (json_is_array (rl))
    {
      proc->rlimits = xmalloc0 (sizeof (struct berth_rlimit) * (json_array_size (rl) + 1));
      size_t i;
      json_t *r;
      json_array_foreach (rl, i, r)
      {
        const char *type = jstr (r, "type");
        if (type == NULL)
          return make_err (err, 0, "invalid config: rlimit without type");
        int res = -1;
        for (size_t k = 0; k < sizeof (rlimit_names) / sizeof (rlimit_names[0]); k++)
          if (strcmp (type, rlimit_names[k].name) == 0)
            res = rlimit_names[k].resource;
        if (res < 0)
          return make_err (err, 0, "invalid rlimit type `%s`", type);
        int64_t soft = 0, hard = 0;
        jint (r, "soft", &soft);
        jint (r, "hard", &hard);
        struct berth_rlimit *out = &proc->rlimits[proc->nrlimits++];
        out->resource = res;
        /* JSON numbers above 2^63 (RLIM_INFINITY) come back negative or huge */
        out->soft = soft < 0 ? RLIM_INFINITY : (rlim_t) soft;
        out->hard = hard < 0 ? RLIM_INFINITY : (rlim_t) hard;
      }
    }

  proc->no_new_privs = jbool (p, "noNewPrivileges");
  if (jint (p, "oomScoreAdj", &v))
    {
      proc->has_oom_score_adj = true;
      proc->oom_score_adj = (int) v;
    }

  proc->user_spec = jstr (annotations, "berth.user");
  if (proc->user_spec && proc->user_spec[0] == '\0')
    proc->user_spec = NULL;
  const char *group_add = jstr (annotations, "berth.group-add");
  if (group_add && group_add[0])
    {
      size_t n = 1;
      for (const char *c = group_add; *c; c++)
        n += *c == '\n';
      proc->group_add = xmalloc0 ((n + 1) * sizeof (char *));
      char *copy = xstrdup (group_add), *save = NULL;
      for (char *g = strtok_r (copy, "\n", &save); g; g = strtok_r (NULL, "\n", &save))
        proc->group_add[proc->n_group_add++] = g;
    }
  proc->open_stdin = annotation_true (annotations, "berth.open-stdin");
  proc->stdin_once = annotation_true (annotations, "berth.stdin-once");
  proc->init = annotation_true (annotations, "berth.init");
  proc->privileged = annotation_true (annotations, "berth.privileged");
  return 0;
}

static const struct
{
  const char *name;
  bool clear;
  unsigned long flag;
} mount_flags[] = {
  { "defaults", false, 0 },
  { "ro", false, MS_RDONLY },
  { "rro", false, MS_RDONLY },
  { "rw", true, MS_RDONLY },
  { "rrw", true, MS_RDONLY },
  { "suid", true, MS_NOSUID },
  { "nosuid", false, MS_NOSUID },
  { "rsuid", true, MS_NOSUID },
  { "rnosuid", false, MS_NOSUID },
  { "dev", true, MS_NODEV },
  { "nodev", false, MS_NODEV },
  { "rdev", true, MS_NODEV },
  { "rnodev", false, MS_NODEV },
  { "exec", true, MS_NOEXEC },
  { "noexec", false, MS_NOEXEC },
  { "rexec", true, MS_NOEXEC },
  { "rnoexec", false, MS_NOEXEC },
  { "sync", false, MS_SYNCHRONOUS },
  { "async", true, MS_SYNCHRONOUS },
  { "dirsync", false, MS_DIRSYNC },
  { "remount", false, MS_REMOUNT },
  { "mand", false, MS_MANDLOCK },
  { "nomand", true, MS_MANDLOCK },
  { "atime", true, MS_NOATIME },
  { "noatime", false, MS_NOATIME },
  { "ratime", true, MS_NOATIME },
  { "rnoatime", false, MS_NOATIME },
  { "diratime", true, MS_NODIRATIME },
  { "nodiratime", false, MS_NODIRATIME },
  { "rdiratime", true, MS_NODIRATIME },
  { "rnodiratime", false, MS_NODIRATIME },
  { "relatime", false, MS_RELATIME },
  { "norelatime", true, MS_RELATIME },
  { "rrelatime", false, MS_RELATIME },
  { "rnorelatime", true, MS_RELATIME },
  { "strictatime", false, MS_STRICTATIME },
  { "nostrictatime", true, MS_STRICTATIME },
  { "rstrictatime", false, MS_STRICTATIME },
  { "rnostrictatime", true, MS_STRICTATIME },
  { "nosymfollow", false, MS_NOSYMFOLLOW },
  { "symfollow", true, MS_NOSYMFOLLOW },
};

static const struct
{
  const char *name;
  unsigned long flag;
} propagation_flags[] = {
  { "private", MS_PRIVATE },
  { "rprivate", MS_PRIVATE | MS_REC },
  { "shared", MS_SHARED },
  { "rshared", MS_SHARED | MS_REC },
  { "slave", MS_SLAVE },
  { "rslave", MS_SLAVE | MS_REC },
  { "unbindable", MS_UNBINDABLE },
  { "runbindable", MS_UNBINDABLE | MS_REC },
};

static unsigned long
propagation_from_name (const char *name)
{
  for (size_t i = 0; i < sizeof (propagation_flags) / sizeof (propagation_flags[0]); i++)
    if (strcmp (name, propagation_flags[i].name) == 0)
      return propagation_flags[i].flag;
  return 0;
}

int
parse_mount_options (json_t *opts, struct berth_mount *m, struct berth_err *err)
{
  struct strbuf data = { 0 };
  (void) err;
  if (json_is_array (opts))
    {
      size_t i;
      json_t *o;
      json_array_foreach (opts, i, o)
      {
        if (!json_is_string (o))
          continue;
        const char *s = json_string_value (o);
        bool known = false;
        if (strcmp (s, "bind") == 0)
          {
            m->bind = true;
            m->flags |= MS_BIND;
            continue;
          }
        if (strcmp (s, "rbind") == 0)
          {
            m->bind = true;
            m->flags |= MS_BIND | MS_REC;
            continue;
          }
        for (size_t k = 0; k < sizeof (mount_flags) / sizeof (mount_flags[0]); k++)
          if (strcmp (s, mount_flags[k].name) == 0)
            {
              if (mount_flags[k].clear)
                m->flags &= ~mount_flags[k].flag;
              else
                m->flags |= mount_flags[k].flag;
              known = true;
              break;
            }
        if (known)
          continue;
        unsigned long prop = propagation_from_name (s);
        if (prop)
          {
            m->propagation = prop;
            continue;
          }
        /* idmap/tmpcopyup and friends are not ours to handle */
        if (strcmp (s, "tmpcopyup") == 0 || strcmp (s, "idmap") == 0 || strcmp (s, "ridmap") == 0
            || strcmp (s, "copy-symlink") == 0 || strcmp (s, "notmpcopyup") == 0)
          continue;
        if (data.len)
          sb_append (&data, ",", 1);
        sb_puts (&data, s);
      }
    }
  m->data = data.buf; /* NULL when empty */
  return 0;
}

static int
parse_mounts (json_t *arr, struct berth_config *cfg, struct berth_err *err)
{
  if (!json_is_array (arr))
    return 0;
  cfg->mounts = xmalloc0 (sizeof (struct berth_mount) * (json_array_size (arr) + 1));
  size_t i;
  json_t *m;
  json_array_foreach (arr, i, m)
  {
    struct berth_mount *out = &cfg->mounts[cfg->nmounts];
    out->destination = jstr (m, "destination");
    if (out->destination == NULL || out->destination[0] != '/')
      return make_err (err, 0, "invalid mount destination `%s`: must be absolute",
                       out->destination ? out->destination : "");
    out->type = jstr (m, "type");
    out->source = jstr (m, "source");
    if (parse_mount_options (json_object_get (m, "options"), out, err) < 0)
      return -1;
    if (out->type && strcmp (out->type, "bind") == 0)
      {
        out->bind = true;
        out->flags |= MS_BIND;
      }
    if (out->bind && out->source == NULL)
      return make_err (err, 0, "invalid bind mount for `%s`: no source", out->destination);
    cfg->nmounts++;
  }
  return 0;
}

static int
ns_flag_from_type (const char *type)
{
  if (strcmp (type, "pid") == 0)
    return CLONE_NEWPID;
  if (strcmp (type, "network") == 0)
    return CLONE_NEWNET;
  if (strcmp (type, "mount") == 0)
    return CLONE_NEWNS;
  if (strcmp (type, "ipc") == 0)
    return CLONE_NEWIPC;
  if (strcmp (type, "uts") == 0)
    return CLONE_NEWUTS;
  if (strcmp (type, "user") == 0)
    return CLONE_NEWUSER;
  if (strcmp (type, "cgroup") == 0)
    return CLONE_NEWCGROUP;
  if (strcmp (type, "time") == 0)
    return CLONE_NEWTIME;
  return 0;
}

bool
ns_requested (const struct berth_config *cfg, int flag, const char **path)
{
  for (size_t i = 0; i < cfg->nns; i++)
    if (cfg->ns[i].flag == flag)
      {
        if (path)
          *path = cfg->ns[i].path;
        return true;
      }
  return false;
}

static int
parse_paths (json_t *arr, const char ***out, size_t *n)
{
  *n = 0;
  *out = NULL;
  if (!json_is_array (arr))
    return 0;
  *out = xmalloc0 (sizeof (char *) * (json_array_size (arr) + 1));
  size_t i;
  json_t *v;
  json_array_foreach (arr, i, v)
  {
    if (json_is_string (v))
      (*out)[(*n)++] = json_string_value (v);
  }
  return 0;
}

static int
parse_linux (json_t *linux_, struct berth_config *cfg, struct berth_err *err)
{
  if (!json_is_object (linux_))
    return 0;
  json_t *nss = json_object_get (linux_, "namespaces");
  if (json_is_array (nss))
    {
      size_t i;
      json_t *ns;
      json_array_foreach (nss, i, ns)
      {
        const char *type = jstr (ns, "type");
        int flag = type ? ns_flag_from_type (type) : 0;
        if (flag == 0)
          return make_err (err, 0, "invalid namespace type `%s`", type ? type : "");
        if (flag == CLONE_NEWUSER)
          return make_err (err, 0, "user namespaces are not supported by berth-monitor");
        if (cfg->nns >= sizeof (cfg->ns) / sizeof (cfg->ns[0]))
          return make_err (err, 0, "too many namespaces");
        const char *path = jstr (ns, "path");
        cfg->ns[cfg->nns].flag = flag;
        cfg->ns[cfg->nns].path = (path && path[0]) ? path : NULL;
        cfg->nns++;
      }
    }

  json_t *res = json_object_get (linux_, "resources");
  struct berth_resources *r = &cfg->resources;
  if (json_is_object (res))
    {
      json_t *mem = json_object_get (res, "memory");
      r->has_mem_limit = jint (mem, "limit", &r->mem_limit);
      r->has_mem_swap = jint (mem, "swap", &r->mem_swap);
      r->has_mem_reservation = jint (mem, "reservation", &r->mem_reservation);
      r->disable_oom_killer = jbool (mem, "disableOOMKiller");
      json_t *cpu = json_object_get (res, "cpu");
      int64_t v;
      if (jint (cpu, "shares", &v) && v > 0)
        {
          r->has_cpu_shares = true;
          r->cpu_shares = (uint64_t) v;
        }
      r->has_cpu_quota = jint (cpu, "quota", &r->cpu_quota) && r->cpu_quota != 0;
      if (jint (cpu, "period", &v) && v > 0)
        {
          r->has_cpu_period = true;
          r->cpu_period = (uint64_t) v;
        }
      r->cpus = jstr (cpu, "cpus");
      if (r->cpus && !r->cpus[0])
        r->cpus = NULL;
      r->mems = jstr (cpu, "mems");
      if (r->mems && !r->mems[0])
        r->mems = NULL;
      json_t *pids = json_object_get (res, "pids");
      r->has_pids_limit = jint (pids, "limit", &r->pids_limit);
      json_t *devs = json_object_get (res, "devices");
      if (json_is_array (devs))
        {
          r->device_rules = xmalloc0 (sizeof (struct berth_device_rule) * (json_array_size (devs) + 1));
          size_t i;
          json_t *d;
          json_array_foreach (devs, i, d)
          {
            struct berth_device_rule *rule = &r->device_rules[r->n_device_rules++];
            rule->allow = jbool (d, "allow");
            const char *t = jstr (d, "type");
            rule->type = (t && t[0]) ? t[0] : 'a';
            if (!jint (d, "major", &rule->major))
              rule->major = -1;
            if (!jint (d, "minor", &rule->minor))
              rule->minor = -1;
            rule->access = jstr (d, "access");
            if (rule->access == NULL || !rule->access[0])
              rule->access = "rwm";
          }
        }
    }

  cfg->cgroups_path = jstr (linux_, "cgroupsPath");
  if (cfg->cgroups_path && !cfg->cgroups_path[0])
    cfg->cgroups_path = NULL;
  json_t *sc = json_object_get (linux_, "seccomp");
  cfg->seccomp = json_is_object (sc) ? sc : NULL;
  parse_paths (json_object_get (linux_, "maskedPaths"), &cfg->masked_paths, &cfg->n_masked);
  parse_paths (json_object_get (linux_, "readonlyPaths"), &cfg->readonly_paths, &cfg->n_readonly);
  json_t *sysctl = json_object_get (linux_, "sysctl");
  cfg->sysctl = json_is_object (sysctl) ? sysctl : NULL;
  const char *prop = jstr (linux_, "rootfsPropagation");
  if (prop)
    cfg->rootfs_propagation = propagation_from_name (prop);

  json_t *devs = json_object_get (linux_, "devices");
  if (json_is_array (devs))
    {
      cfg->devices = xmalloc0 (sizeof (struct berth_device) * (json_array_size (devs) + 1));
      size_t i;
      json_t *d;
      json_array_foreach (devs, i, d)
      {
        struct berth_device *dev = &cfg->devices[cfg->ndevices];
        dev->path = jstr (d, "path");
        const char *t = jstr (d, "type");
        if (dev->path == NULL || t == NULL)
          return make_err (err, 0, "invalid device entry %zu", i);
        dev->type = t[0];
        jint (d, "major", &dev->major);
        jint (d, "minor", &dev->minor);
        int64_t v;
        if (jint (d, "fileMode", &v))
          {
            dev->has_mode = true;
            dev->mode = (mode_t) v;
          }
        if (jint (d, "uid", &v))
          dev->uid = (uid_t) v;
        if (jint (d, "gid", &v))
          dev->gid = (gid_t) v;
        cfg->ndevices++;
      }
    }
  return 0;
}

int
config_load (const char *bundle, struct berth_config *cfg, struct berth_err *err)
{
  memset (cfg, 0, sizeof (*cfg));
  cfg->bundle = bundle;
  cleanup_free char *path = NULL;
  xasprintf (&path, "%s/config.json", bundle);
  json_error_t jerr;
  cfg->root = json_load_file (path, 0, &jerr);
  if (cfg->root == NULL)
    return make_err (err, 0, "cannot parse `%s`: %s (line %d)", path, jerr.text, jerr.line);
  if (!json_is_object (cfg->root))
    return make_err (err, 0, "invalid `%s`: not an object", path);

  json_t *annotations = json_object_get (cfg->root, "annotations");
  if (parse_process (json_object_get (cfg->root, "process"), annotations, &cfg->process, err) < 0)
    return -1;

  json_t *root = json_object_get (cfg->root, "root");
  const char *rp = jstr (root, "path");
  if (rp == NULL || !rp[0])
    return make_err (err, 0, "invalid config: `root.path` is missing");
  if (rp[0] == '/')
    cfg->root_path = xstrdup (rp);
  else
    xasprintf (&cfg->root_path, "%s/%s", bundle, rp);
  cfg->root_readonly = jbool (root, "readonly");
  cfg->hostname = jstr (cfg->root, "hostname");
  if (cfg->hostname && !cfg->hostname[0])
    cfg->hostname = NULL;

  if (parse_mounts (json_object_get (cfg->root, "mounts"), cfg, err) < 0)
    return -1;
  if (parse_linux (json_object_get (cfg->root, "linux"), cfg, err) < 0)
    return -1;

  cfg->overlay = jstr (annotations, "berth.rootfs-overlay");
  cfg->overlay_cwd = jstr (annotations, "berth.rootfs-overlay-cwd");
  cfg->seccomp_cache = jstr (annotations, "berth.seccomp-cache");
  cfg->log_path = jstr (annotations, "berth.log-path");
  if (cfg->log_path && !cfg->log_path[0])
    cfg->log_path = NULL;
  const char *max_size = jstr (annotations, "berth.log-max-size");
  const char *max_file = jstr (annotations, "berth.log-max-file");
  cfg->log_max_size = max_size ? atoll (max_size) : 0;
  cfg->log_max_file = max_file ? atoi (max_file) : 1;
  cfg->log_compress = annotation_true (annotations, "berth.log-compress");
  return 0;
}

int
process_load (const char *path, json_t **rootp, struct berth_process *proc, json_t **seccomp,
              struct berth_err *err)
{
  json_error_t jerr;
  json_t *root = json_load_file (path, 0, &jerr);
  if (root == NULL)
    return make_err (err, 0, "cannot parse `%s`: %s (line %d)", path, jerr.text, jerr.line);
  *rootp = root;
  if (!json_is_object (root))
    return make_err (err, 0, "invalid `%s`: not an object", path);
  if (parse_process (root, json_object_get (root, "annotations"), proc, err) < 0)
    return -1;
  if (jbool (root, "privileged"))
    proc->privileged = true;
  json_t *sc = json_object_get (root, "seccomp");
  *seccomp = json_is_object (sc) ? sc : NULL;
  return 0;
}

void
config_free (struct berth_config *cfg)
{
  for (size_t i = 0; i < cfg->nmounts; i++)
    free (cfg->mounts[i].data);
  free (cfg->mounts);
  free (cfg->process.args);
  free (cfg->process.env);
  free (cfg->process.rlimits);
  free (cfg->process.additional_gids);
  if (cfg->process.group_add)
    free (cfg->process.group_add[0]); /* the one copy the entries point into */
  free (cfg->process.group_add);
  free (cfg->root_path);
  free (cfg->masked_paths);
  free (cfg->readonly_paths);
  free (cfg->devices);
  free (cfg->resources.device_rules);
  if (cfg->root)
    json_decref (cfg->root);
  memset (cfg, 0, sizeof (*cfg));
}
