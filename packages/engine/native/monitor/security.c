/* berth-monitor: capabilities, seccomp, rlimits, oom_score_adj. */
#include "security.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

static int
last_cap (void)
{
  static int last = -1;
  if (last >= 0)
    return last;
  int c = 0;
  while (c < 63 && prctl (PR_CAPBSET_READ, c + 1, 0, 0, 0) >= 0)
    c++;
  last = c;
  return last;
}

uint64_t
caps_all (void)
{
  int last = last_cap ();
  return last >= 63 ? ~0ULL : ((1ULL << (last + 1)) - 1);
}

int
caps_apply_bounding (const struct berth_caps *caps, struct berth_err *err)
{
  if (!caps->given)
    return 0;
  int last = last_cap ();
  for (int c = 0; c <= last; c++)
    {
      if (caps->bounding & (1ULL << c))
        continue;
      if (prctl (PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
        return make_err (err, errno, "drop capability %d from the bounding set", c);
    }
  return 0;
}

int
caps_apply (const struct berth_caps *caps, struct berth_err *err)
{
  if (!caps->given)
    return 0;
  uint64_t all = caps_all ();
  struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct data[2];
  /* Ask only for what we hold: a runtime that lacks a capability itself
   * (CAP_SYS_RESOURCE in some sandboxes) still runs --privileged and
   * --cap-add containers, without that one capability. */
  if (syscall (SYS_capget, &hdr, data) < 0)
    return make_err (err, errno, "capget");
  uint64_t have = ((uint64_t) data[1].permitted << 32) | data[0].permitted;
  uint64_t have_inh = ((uint64_t) data[1].inheritable << 32) | data[0].inheritable;
  uint64_t bset = 0;
  for (int c = 0; c <= last_cap (); c++)
    if (prctl (PR_CAPBSET_READ, c, 0, 0, 0) > 0)
      bset |= 1ULL << c;
  uint64_t eff = caps->effective & all & have, perm = caps->permitted & all & have;
  uint64_t inh = caps->inheritable & all & (have | have_inh) & (bset | have_inh);
  hdr.version = _LINUX_CAPABILITY_VERSION_3;
  hdr.pid = 0;
  data[0].effective = (uint32_t) eff;
  data[1].effective = (uint32_t) (eff >> 32);
  data[0].permitted = (uint32_t) perm;
  data[1].permitted = (uint32_t) (perm >> 32);
  data[0].inheritable = (uint32_t) inh;
  data[1].inheritable = (uint32_t) (inh >> 32);
  if (syscall (SYS_capset, &hdr, data) < 0)
    return make_err (err, errno, "capset");
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return make_err (err, errno, "clear ambient capabilities");
  for (int c = 0; c <= last_cap (); c++)
    if (caps->ambient & perm & inh & (1ULL << c))
      if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
        return make_err (err, errno, "raise ambient capability %d", c);
  return 0;
}

int
set_user (uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups, struct berth_err *err)
{
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return make_err (err, errno, "prctl(PR_SET_KEEPCAPS)");
  if (setgroups (ngroups, groups) < 0)
    return make_err (err, errno, "setgroups");
  if (syscall (SYS_setresgid, gid, gid, gid) < 0)
    return make_err (err, errno, "setresgid(%u)", (unsigned) gid);
  if (syscall (SYS_setresuid, uid, uid, uid) < 0)
    return make_err (err, errno, "setresuid(%u)", (unsigned) uid);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return make_err (err, errno, "prctl(PR_SET_KEEPCAPS)");
  return 0;
}

static int
parse_action (const char *name, json_t *errno_ret, uint32_t *out, struct berth_err *err)
{
  int ret = json_is_integer (errno_ret) ? (int) json_integer_value (errno_ret) : EPERM;
  if (strcmp (name, "SCMP_ACT_ALLOW") == 0)
    *out = SCMP_ACT_ALLOW;
  else if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
    *out = SCMP_ACT_ERRNO (ret);
  else if (strcmp (name, "SCMP_ACT_KILL") == 0 || strcmp (name, "SCMP_ACT_KILL_THREAD") == 0)
    *out = SCMP_ACT_KILL_THREAD;
  else if (strcmp (name, "SCMP_ACT_KILL_PROCESS") == 0)
    *out = SCMP_ACT_KILL_PROCESS;
  else if (strcmp (name, "SCMP_ACT_TRAP") == 0)
    *out = SCMP_ACT_TRAP;
  else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
    *out = SCMP_ACT_TRACE (ret);
  else if (strcmp (name, "SCMP_ACT_LOG") == 0)
    *out = SCMP_ACT_LOG;
  else
    return make_err (err, 0, "unsupported seccomp action `%s`", name);
  return 0;
}

static int
parse_op (const char *name, enum scmp_compare *out)
{
  static const struct
  {
    const char *name;
    enum scmp_compare op;
  } ops[] = {
    { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
    { "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  };
  for (size_t i = 0; i < sizeof (ops) / sizeof (ops[0]); i++)
    if (strcmp (name, ops[i].name) == 0)
      {
        *out = ops[i].op;
        return 0;
      }
  return -1;
}

static void
release_filter (scmp_filter_ctx *ctx)
{
  if (*ctx)
    seccomp_release (*ctx);
}

int
seccomp_compile (json_t *profile, scmp_filter_ctx *out, struct berth_err *err)
{
  *out = NULL;
  if (profile == NULL)
    return 0;
  json_t *da = json_object_get (profile, "defaultAction");
  if (!json_is_string (da))
    return make_err (err, 0, "seccomp: `defaultAction` is missing");
  uint32_t def;
  if (parse_action (json_string_value (da), json_object_get (profile, "defaultErrnoRet"), &def, err) < 0)
    return -1;
  __attribute__ ((cleanup (release_filter))) scmp_filter_ctx ctx = seccomp_init (def);
  if (ctx == NULL)
    return make_err (err, 0, "seccomp_init failed");
  seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);

  json_t *arches = json_object_get (profile, "architectures");
  size_t i;
  json_t *v;
  json_array_foreach (arches, i, v)
  {
    if (!json_is_string (v))
      continue;
    const char *name = json_string_value (v);
    char lower[64];
    const char *s = strncmp (name, "SCMP_ARCH_", 10) == 0 ? name + 10 : name;
    size_t k;
    for (k = 0; s[k] && k < sizeof (lower) - 1; k++)
      lower[k] = (s[k] >= 'A' && s[k] <= 'Z') ? s[k] + 32 : s[k];
    lower[k] = '\0';
    uint32_t arch = seccomp_arch_resolve_name (lower);
    if (arch == 0)
      return make_err (err, 0, "seccomp: unknown architecture `%s`", name);
    int r = seccomp_arch_add (ctx, arch);
    if (r < 0 && r != -EEXIST)
      return make_err (err, -r, "seccomp: add architecture `%s`", name);
  }

  json_t *flags = json_object_get (profile, "flags");
  json_array_foreach (flags, i, v)
  {
    const char *f = json_string_value (v);
    if (f && strcmp (f, "SECCOMP_FILTER_FLAG_LOG") == 0)
      seccomp_attr_set (ctx, SCMP_FLTATR_CTL_LOG, 1);
    else if (f && strcmp (f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
      seccomp_attr_set (ctx, SCMP_FLTATR_CTL_SSB, 1);
  }

  json_t *syscalls = json_object_get (profile, "syscalls");
  json_t *sc;
  json_array_foreach (syscalls, i, sc)
  {
    json_t *act = json_object_get (sc, "action");
    if (!json_is_string (act))
      return make_err (err, 0, "seccomp: syscall rule %zu without action", i);
    uint32_t action;
    if (parse_action (json_string_value (act), json_object_get (sc, "errnoRet"), &action, err) < 0)
      return -1;
    if (action == def)
      continue; /* libseccomp refuses rules equal to the default */

    struct scmp_arg_cmp conds[6];
    unsigned nconds = 0, count[6] = { 0 };
    json_t *args = json_object_get (sc, "args");
    size_t k;
    json_t *a;
    json_array_foreach (args, k, a)
    {
      if (nconds >= 6)
        return make_err (err, 0, "seccomp: too many argument conditions");
      json_t *idx = json_object_get (a, "index"), *op = json_object_get (a, "op");
      if (!json_is_integer (idx) || json_integer_value (idx) > 5 || json_integer_value (idx) < 0 || !json_is_string (op))
        return make_err (err, 0, "seccomp: invalid argument condition");
      enum scmp_compare cmp;
      if (parse_op (json_string_value (op), &cmp) < 0)
        return make_err (err, 0, "seccomp: unknown operator `%s`", json_string_value (op));
      json_t *val = json_object_get (a, "value"), *val2 = json_object_get (a, "valueTwo");
      conds[nconds].arg = (unsigned) json_integer_value (idx);
      conds[nconds].op = cmp;
      conds[nconds].datum_a = json_is_integer (val) ? (scmp_datum_t) json_integer_value (val) : 0;
      conds[nconds].datum_b = json_is_integer (val2) ? (scmp_datum_t) json_integer_value (val2) : 0;
      count[conds[nconds].arg]++;
      nconds++;
    }
    bool split = false;
    for (int c = 0; c < 6; c++)
      if (count[c] > 1)
        split = true;

    json_t *names = json_object_get (sc, "names");
    json_t *n;
    json_array_foreach (names, k, n)
    {
      if (!json_is_string (n))
        continue;
      int nr = seccomp_syscall_resolve_name (json_string_value (n));
      if (nr == __NR_SCMP_ERROR)
        continue; /* unknown to this libseccomp/arch: skip, as runc does */
      int r;
      if (nconds == 0)
        r = seccomp_rule_add (ctx, action, nr, 0);
      else if (!split)
        r = seccomp_rule_add_array (ctx, action, nr, nconds, conds);
      else
        {
          r = 0;
          for (unsigned c = 0; c < nconds && r == 0; c++)
            r = seccomp_rule_add_array (ctx, action, nr, 1, &conds[c]);
        }
      if (r < 0)
        return make_err (err, -r, "seccomp: add rule for `%s`", json_string_value (n));
    }
  }
  *out = steal_ptr (&ctx);
  return 0;
}

static unsigned int
profile_flags (json_t *profile)
{
  unsigned int flags = 0;
  size_t i;
  json_t *v;
  json_array_foreach (json_object_get (profile, "flags"), i, v)
  {
    const char *f = json_string_value (v);
    if (f && strcmp (f, "SECCOMP_FILTER_FLAG_LOG") == 0)
      flags |= SECCOMP_FILTER_FLAG_LOG;
    else if (f && strcmp (f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
      flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  }
  return flags;
}

/* Two independent 64-bit FNV-1a hashes: a cache key, never trusted alone. */
static void
profile_key (const char *s, char out[33])
{
  uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      a = (a ^ *p) * 0x100000001b3ULL;
      b = (b ^ (unsigned char) (*p + 0x5b)) * 0x100000001b3ULL;
    }
  snprintf (out, 33, "%016llx%016llx", (unsigned long long) a, (unsigned long long) b);
}

static void
store_file (const char *dir, const char *name, const void *data, size_t len)
{
  char tmp[PATH_MAX], dst[PATH_MAX];
  snprintf (tmp, sizeof (tmp), "%s/.%s.XXXXXX", dir, name);
  snprintf (dst, sizeof (dst), "%s/%s", dir, name);
  int fd = mkostemp (tmp, O_CLOEXEC);
  if (fd < 0)
    return;
  bool ok = write_all (fd, data, len) == (ssize_t) len && fchmod (fd, 0644) == 0;
  close (fd);
  if (!ok || rename (tmp, dst) < 0)
    unlink (tmp);
}

int
seccomp_prepare (json_t *profile, const char *cache_dir, struct berth_seccomp *out, struct berth_err *err)
{
  memset (out, 0, sizeof (*out));
  if (profile == NULL)
    return 0;
  out->flags = profile_flags (profile);
  cleanup_free char *dump = NULL;
  char key[33], name[PATH_MAX];
  if (cache_dir && cache_dir[0])
    {
      dump = json_dumps (profile, JSON_COMPACT | JSON_SORT_KEYS);
      if (dump == NULL)
        return make_err (err, 0, "seccomp: cannot serialize the profile");
      profile_key (dump, key);
      /* a hit needs the identical profile text and a well-formed program */
      snprintf (name, sizeof (name), "%s/%s.json", cache_dir, key);
      cleanup_free char *cached = NULL;
      struct berth_err ignored;
      if (read_file (name, &cached, NULL, &ignored) == 0 && strcmp (cached, dump) == 0)
        {
          snprintf (name, sizeof (name), "%s/%s.bpf", cache_dir, key);
          char *bpf = NULL;
          size_t len = 0;
          if (read_file (name, &bpf, &len, &ignored) == 0 && len > 0 && len % sizeof (struct sock_filter) == 0
              && len / sizeof (struct sock_filter) <= BPF_MAXINSNS)
            {
              out->bpf = bpf;
              out->bpf_len = len;
              return 0;
            }
          free (bpf);
        }
    }
  if (seccomp_compile (profile, &out->ctx, err) < 0)
    return -1;
  if (dump && out->ctx)
    {
      /* export once, store the program, then the profile that names it */
      char tmp[PATH_MAX];
      snprintf (tmp, sizeof (tmp), "%s/.export.XXXXXX", cache_dir);
      cleanup_close int fd = mkostemp (tmp, O_CLOEXEC);
      if (fd >= 0)
        {
          unlink (tmp);
          if (seccomp_export_bpf (out->ctx, fd) == 0)
            {
              off_t len = lseek (fd, 0, SEEK_END);
              cleanup_free char *bpf = len > 0 ? xmalloc0 (len) : NULL;
              if (bpf && pread (fd, bpf, len, 0) == len)
                {
                  snprintf (name, sizeof (name), "%s.bpf", key);
                  store_file (cache_dir, name, bpf, len);
                  snprintf (name, sizeof (name), "%s.json", key);
                  store_file (cache_dir, name, dump, strlen (dump));
                }
            }
        }
    }
  return 0;
}

int
seccomp_apply (const struct berth_seccomp *sc, struct berth_err *err)
{
  if (sc->bpf)
    {
      struct sock_fprog prog = { .len = (unsigned short) (sc->bpf_len / sizeof (struct sock_filter)),
                                 .filter = sc->bpf };
      if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, sc->flags, &prog) < 0)
        return make_err (err, errno, "load the seccomp filter");
      return 0;
    }
  if (sc->ctx == NULL)
    return 0;
  int r = seccomp_load (sc->ctx);
  if (r < 0)
    return make_err (err, -r, "load the seccomp filter");
  return 0;
}

int
rlimits_apply (const struct berth_process *proc, struct berth_err *err)
{
  for (size_t i = 0; i < proc->nrlimits; i++)
    {
      const struct berth_rlimit *rl = &proc->rlimits[i];
      struct rlimit cur, want = { .rlim_cur = rl->soft, .rlim_max = rl->hard };
      if (getrlimit (rl->resource, &cur) < 0)
        return make_err (err, errno, "getrlimit(%d)", rl->resource);
      /* raising the hard limit takes CAP_SYS_RESOURCE: clamp instead */
      if (cur.rlim_max != RLIM_INFINITY && (want.rlim_max == RLIM_INFINITY || want.rlim_max > cur.rlim_max))
        want.rlim_max = cur.rlim_max;
      if (want.rlim_cur != RLIM_INFINITY && want.rlim_max != RLIM_INFINITY && want.rlim_cur > want.rlim_max)
        want.rlim_cur = want.rlim_max;
      if (want.rlim_cur == RLIM_INFINITY && want.rlim_max != RLIM_INFINITY)
        want.rlim_cur = want.rlim_max;
      if (setrlimit (rl->resource, &want) < 0)
        return make_err (err, errno, "setrlimit(%d)", rl->resource);
    }
  return 0;
}

int
oom_score_adj_apply (const struct berth_process *proc, struct berth_err *err)
{
  if (!proc->has_oom_score_adj)
    return 0;
  char cur[32] = "";
  cleanup_close int fd = open ("/proc/self/oom_score_adj", O_RDWR | O_CLOEXEC);
  if (fd < 0)
    return make_err (err, errno, "open /proc/self/oom_score_adj");
  ssize_t n = read (fd, cur, sizeof (cur) - 1);
  if (n > 0 && atoi (cur) == proc->oom_score_adj)
    return 0;
  char buf[32];
  int l = snprintf (buf, sizeof (buf), "%d", proc->oom_score_adj);
  if (pwrite (fd, buf, l, 0) < 0)
    {
      /* lowering it takes CAP_SYS_RESOURCE, which we may not have */
      if ((errno == EACCES || errno == EPERM) && n > 0 && proc->oom_score_adj < atoi (cur))
        return 0;
      return make_err (err, errno, "write oom_score_adj `%s`", buf);
    }
  return 0;
}
