/* berth-monitor: device rules on cgroup v2 (an eBPF device program on the cgroup). */
#ifndef BERTH_DEVFILTER_H
#define BERTH_DEVFILTER_H

#include "berth.h"
#include "config.h"

/* Load the rules as a BPF_PROG_TYPE_CGROUP_DEVICE program and attach it to the cgroup. */
int devfilter_attach (const char *cgroup_dir, const struct berth_device_rule *rules, size_t nrules,
                      struct berth_err *err);

#endif
