/* berth-monitor: capabilities, seccomp, rlimits, no_new_privs, oom_score_adj. */
#ifndef BERTH_SECURITY_H
#define BERTH_SECURITY_H

#include "config.h"
#include <seccomp.h>

/* Every capability this kernel knows, as a mask. */
uint64_t caps_all (void);
/* Drop from the bounding set what caps->bounding lacks (needs CAP_SETPCAP). */
int caps_apply_bounding (const struct berth_caps *caps, struct berth_err *err);
/* After the uid switch: effective/permitted/inheritable, then ambient. */
int caps_apply (const struct berth_caps *caps, struct berth_err *err);

/* Switch to uid/gid/supplementary groups, keeping the permitted set. */
int set_user (uid_t uid, gid_t gid, const gid_t *groups, size_t ngroups, struct berth_err *err);

/* A seccomp filter ready to load: compiled by libseccomp, or the BPF a
 * previous start compiled from the same profile (berth.seccomp-cache). */
struct berth_seccomp
{
  scmp_filter_ctx ctx;
  void *bpf; /* struct sock_filter[] */
  size_t bpf_len;
  unsigned int flags; /* SECCOMP_FILTER_FLAG_* for the raw load */
};

/* Turn an OCI seccomp object into a libseccomp filter (NULL: none). */
int seccomp_compile (json_t *profile, scmp_filter_ctx *out, struct berth_err *err);
/* seccomp_compile, or a cache hit in cache_dir (keyed by the profile's
 * canonical JSON, compared in full); a miss is compiled and stored. */
int seccomp_prepare (json_t *profile, const char *cache_dir, struct berth_seccomp *out, struct berth_err *err);
int seccomp_apply (const struct berth_seccomp *sc, struct berth_err *err);

/* rlimits, never above the hard limit we already have (no CAP_SYS_RESOURCE). */
int rlimits_apply (const struct berth_process *proc, struct berth_err *err);
int oom_score_adj_apply (const struct berth_process *proc, struct berth_err *err);

#endif
