/* berth-monitor: the parts of an OCI runtime-spec config.json we act on. */
#ifndef BERTH_CONFIG_H
#define BERTH_CONFIG_H

#include "berth.h"
#include <jansson.h>
#include <sys/resource.h>

struct berth_rlimit
{
  int resource;
  rlim_t soft, hard;
};

struct berth_caps
{
  bool given;
  uint64_t bounding, effective, permitted, inheritable, ambient;
};

struct berth_process
{
  bool terminal;
  unsigned short rows, cols;
  uid_t uid;
  gid_t gid;
  gid_t *additional_gids;
  size_t n_additional_gids;
  bool has_umask;
  mode_t umask;
  char **args; /* NULL-terminated, borrowed from the JSON */
  size_t nargs;
  char **env;  /* NULL-terminated, borrowed */
  size_t nenv;
  const char *cwd;
  struct berth_caps caps;
  struct berth_rlimit *rlimits;
  size_t nrlimits;
  bool no_new_privs;
  bool has_oom_score_adj;
  int oom_score_adj;
  /* Berth annotations */
  const char *user_spec; /* berth.user */
  char **group_add;      /* berth.group-add: HostConfig.GroupAdd, one per line (names or gids) */
  size_t n_group_add;
  bool open_stdin;       /* berth.open-stdin */
  bool stdin_once;       /* berth.stdin-once */
  bool init;             /* berth.init */
  bool privileged;       /* exec: process.json "privileged" or berth.privileged */
};

struct berth_mount
{
  const char *destination;
  const char *type;
  const char *source;
  unsigned long flags;       /* MS_* set on the mount */
  unsigned long propagation; /* MS_PRIVATE/MS_SLAVE/... (with MS_REC) or 0 */
  bool bind;
  char *data; /* comma-joined fs-specific options */
};

struct berth_ns
{
  int flag; /* CLONE_NEW* */
  const char *path;
};

struct berth_device
{
  const char *path;
  char type; /* c, b, p, u */
  int64_t major, minor;
  mode_t mode;
  bool has_mode;
  uid_t uid;
  gid_t gid;
};

struct berth_device_rule
{
  bool allow;
  char type; /* a, c, b */
  int64_t major, minor; /* -1 = wildcard */
  const char *access;
};

struct berth_resources
{
  bool has_mem_limit, has_mem_swap, has_mem_reservation, disable_oom_killer;
  int64_t mem_limit, mem_swap, mem_reservation;
  bool has_cpu_shares, has_cpu_quota, has_cpu_period;
  uint64_t cpu_shares, cpu_period;
  int64_t cpu_quota;
  const char *cpus, *mems;
  bool has_pids_limit;
  int64_t pids_limit;
  struct berth_device_rule *device_rules;
  size_t n_device_rules;
};

struct berth_config
{
  json_t *root;
  const char *bundle;
  struct berth_process process;
  char *root_path; /* absolute */
  bool root_readonly;
  const char *hostname;
  struct berth_mount *mounts;
  size_t nmounts;
  struct berth_ns ns[8];
  size_t nns;
  struct berth_resources resources;
  const char *cgroups_path;
  json_t *seccomp; /* borrowed; NULL when absent */
  const char **masked_paths;
  size_t n_masked;
  const char **readonly_paths;
  size_t n_readonly;
  struct berth_device *devices;
  size_t ndevices;
  json_t *sysctl; /* borrowed object */
  unsigned long rootfs_propagation;
  /* Berth annotations */
  const char *overlay;     /* berth.rootfs-overlay */
  const char *overlay_cwd; /* berth.rootfs-overlay-cwd */
  const char *log_path;    /* berth.log-path */
  long long log_max_size;  /* berth.log-max-size (bytes; 0 = no rotation) */
  int log_max_file;        /* berth.log-max-file */
  bool log_compress;       /* berth.log-compress */
  const char *seccomp_cache; /* berth.seccomp-cache: dir of compiled filters */
};

/* config.json of a bundle (run mode). */
int config_load (const char *bundle, struct berth_config *cfg, struct berth_err *err);
/* process.json of an exec (exec mode): an OCI process plus "annotations",
 * optional "seccomp" (OCI seccomp object) and "privileged". */
int process_load (const char *path, json_t **root, struct berth_process *proc, json_t **seccomp,
                  struct berth_err *err);
void config_free (struct berth_config *cfg);

bool ns_requested (const struct berth_config *cfg, int flag, const char **path);

/* Mount option parsing shared with tests of the parser. */
int parse_mount_options (json_t *opts, struct berth_mount *m, struct berth_err *err);

/* Capability names → numbers; -1 when unknown. */
int cap_from_name (const char *name);

#endif
