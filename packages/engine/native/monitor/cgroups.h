/* berth-monitor: cgroup v1 (one hierarchy per controller) and v2. */
#ifndef BERTH_CGROUPS_H
#define BERTH_CGROUPS_H

#include "config.h"

#define CGROUP_MAX_HIER 16

struct cgroup_hier
{
  char name[32]; /* controller name, or "unified" */
  char *dir;     /* absolute path of the container's cgroup in this hierarchy */
  bool created;
};

struct berth_cgroup
{
  bool enabled;
  bool v2;
  char *rel; /* cgroupsPath without the leading slash */
  struct cgroup_hier h[CGROUP_MAX_HIER];
  size_t n;
  int v2_dirfd; /* for clone3(CLONE_INTO_CGROUP) on v2; -1 otherwise */
};

bool cgroup_is_v2 (void);
void cgroup_init (struct berth_cgroup *cg);
/* mkdir the container's cgroup in every hierarchy and write the limits. */
int cgroup_create (struct berth_cgroup *cg, const char *path, const struct berth_resources *res,
                   struct berth_err *err);
/* In the child: move itself into every hierarchy (unless clone3 put it
 * into the v2 cgroup already). */
int cgroup_enter_self (struct berth_cgroup *cg, bool into_cgroup_done, struct berth_err *err);
/* Did the memory controller OOM-kill anything in this cgroup? */
bool cgroup_oom_killed (struct berth_cgroup *cg);
/* Remove what cgroup_create made (killing stragglers if it must). */
void cgroup_destroy (struct berth_cgroup *cg);
/* exec mode: the cgroups target is in (joined with cgroup_enter_self,
 * never created or removed by us). */
int cgroup_load_like (struct berth_cgroup *cg, pid_t target, struct berth_err *err);

#endif
