/* berth-monitor: berth.init, the tiny PID 1 (init.c). */
#ifndef BERTH_INIT_H
#define BERTH_INIT_H

#include "berth.h"

/* Fork `path`, forward signals to it, reap every zombie, exit with its
 * status; an exec failure goes to the monitor over `sync_fd`. */
__attribute__ ((noreturn)) void init_reaper_exec (const char *path, char **argv, char **envp, int sync_fd,
                                                  bool terminal);

#endif
