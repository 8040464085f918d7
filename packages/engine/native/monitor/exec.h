/* berth-monitor: the exec point (exec.c): the program looked up as Go's
 * exec.LookPath does, then execve, a failure reported to the monitor over
 * the sync socket with Docker's 126/127. */
#ifndef BERTH_EXEC_H
#define BERTH_EXEC_H

#include "berth.h"

/* The value of `name` in an environment list, or NULL. */
const char *env_get (char **env, const char *name);
/* exec.LookPath against PATH in `env`: the path to execute in `out`. */
int lookpath (const char *file, char **env, char *out, size_t outlen, struct berth_err *err);
/* execve, or report why not (SYNC_EXEC_FAILED) and _exit. */
__attribute__ ((noreturn)) void exec_or_report (const char *path, char **argv, char **envp, int sync_fd);

#endif
