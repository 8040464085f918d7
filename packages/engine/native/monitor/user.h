/* berth-monitor: "user[:group]" → ids, read from the container's own
 * /etc/passwd and /etc/group (after pivot_root), with runc's rules. */
#ifndef BERTH_USER_H
#define BERTH_USER_H

#include "berth.h"
#include <limits.h>

struct berth_user
{
  uid_t uid;
  gid_t gid;
  gid_t groups[256];
  size_t ngroups;
  char home[PATH_MAX];
};

/* spec is "name|uid[:group|gid]"; NULL means "def_uid:def_gid". The groups are moby's: the
 * primary gid, the user's supplementary groups (implicit form only), `additional`, then
 * `group_add` (HostConfig.GroupAdd: names from /etc/group, or numeric gids). */
int user_resolve (const char *spec, uid_t def_uid, gid_t def_gid, const gid_t *additional, size_t nadditional,
                  const char *const *group_add, size_t ngroup_add, struct berth_user *out, struct berth_err *err);

#endif
