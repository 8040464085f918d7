/* Network namespaces without touching the calling thread: a short-lived pthread enters
 * (setns) or creates (unshare) the namespace, opens what is needed there and exits.
 * A netlink socket keeps the netns it was created in, so the caller uses it afterwards. */
#include "nl.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

struct job
{
  const char *path;
  int fd;
  struct nl_err err;
};

static void *
open_in_ns (void *arg)
{
  struct job *j = arg;
  int nsfd = open (j->path, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0)
    {
      nl_make_err (&j->err, errno, "open netns %s", j->path);
      return NULL;
    }
  if (setns (nsfd, CLONE_NEWNET) < 0)
    {
      nl_make_err (&j->err, errno, "setns %s", j->path);
      close (nsfd);
      return NULL;
    }
  close (nsfd);
  j->fd = nl_socket (&j->err);
  return NULL;
}

static int
run_thread (void *(*fn) (void *), struct job *j, struct nl_err *err)
{
  pthread_t t;
  j->fd = -1;
  j->err.errnum = 0;
  j->err.msg[0] = 0;
  int rc = pthread_create (&t, NULL, fn, j);
  if (rc != 0)
    return nl_make_err (err, rc, "pthread_create");
  pthread_join (t, NULL);
  if (j->fd < 0)
    {
      *err = j->err;
      return -1;
    }
  return j->fd;
}

int
nl_open (const char *nspath, struct nl_err *err)
{
  if (!nspath || !*nspath)
    return nl_socket (err);
  struct job j = { .path = nspath };
  return run_thread (open_in_ns, &j, err);
}

static void *
create_ns (void *arg)
{
  struct job *j = arg;
  if (unshare (CLONE_NEWNET) < 0)
    {
      nl_make_err (&j->err, errno, "unshare network namespace");
      return NULL;
    }
  /* lo up, as every namespace Berth hands to a container has it */
  int fd = nl_socket (&j->err);
  if (fd < 0)
    return NULL;
  struct nl_link_set lo = { .name = "lo", .up = 1, .nsfd = -1 };
  int rc = nl_link_set (fd, &lo, &j->err);
  close (fd);
  if (rc < 0)
    return NULL;
  int f = open (j->path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
  if (f < 0)
    {
      nl_make_err (&j->err, errno, "create %s", j->path);
      return NULL;
    }
  close (f);
  char self[64];
  snprintf (self, sizeof self, "/proc/self/task/%d/ns/net", (int) gettid ());
  if (mount (self, j->path, NULL, MS_BIND, NULL) < 0)
    {
      nl_make_err (&j->err, errno, "bind mount netns on %s", j->path);
      unlink (j->path);
      return NULL;
    }
  j->fd = 0;
  return NULL;
}

int
ns_create (const char *path, struct nl_err *err)
{
  struct job j = { .path = path };
  return run_thread (create_ns, &j, err) < 0 ? -1 : 0;
}

int
ns_delete (const char *path, struct nl_err *err)
{
  if (umount2 (path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
    return nl_make_err (err, errno, "unmount netns %s", path);
  if (unlink (path) < 0 && errno != ENOENT)
    return nl_make_err (err, errno, "remove netns %s", path);
  return 0;
}
