/* berth-monitor: the container's filesystem view (runs in the child, in its
 * new mount namespace). */
#ifndef BERTH_MOUNTS_H
#define BERTH_MOUNTS_H

#include "cgroups.h"
#include "config.h"

/* Before pivot_root: private /, rootfs (overlay or bind), config mounts,
 * device nodes and /dev symlinks, cwd. */
int mounts_setup_rootfs (struct berth_config *cfg, const struct berth_cgroup *cg, struct berth_err *err);
int mounts_pivot_root (const char *rootfs, struct berth_err *err);
/* After pivot_root: sysctls, masked and read-only paths, read-only root. */
int mounts_finalize (struct berth_config *cfg, struct berth_err *err);
/* Bind the pty slave over /dev/console. */
int mounts_bind_console (const char *slave_path, struct berth_err *err);
/* After pivot_root: create the working directory if the image lacks it. */
int mounts_make_cwd (const char *cwd);
/* Remount a path read-only, keeping the flags the kernel insists on. */
int remount_ro (const char *path, unsigned long extra, struct berth_err *err);

#endif
