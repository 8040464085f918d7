/* berth-monitor: shared definitions (errors, cleanup attributes, small helpers). */
#ifndef BERTH_H
#define BERTH_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* Exit codes Docker gives to start failures. */
#define BERTH_EXIT_INTERNAL 125
#define BERTH_EXIT_CANNOT_EXEC 126
#define BERTH_EXIT_NOT_FOUND 127
/* The config names what the container does not have (a user, a group): dockerd finds
 * that while it builds the spec, so it is reported as its error, not the runtime's. */
#define BERTH_EXIT_SPEC 128

/* Every fallible function takes this as its last argument and returns -1
 * after filling it through make_err(). */
struct berth_err
{
  int code;  /* exit code to report: 125, 126, 127 or 128 */
  int errnum;
  char msg[2048];
};

int make_err (struct berth_err *err, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
int make_err_code (struct berth_err *err, int code, int errnum, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/* Cleanup attributes instead of goto chains. */
void cleanup_freep (void *p);
void cleanup_closep (int *fd);
void cleanup_filep (FILE **f);
void cleanup_strvp (char ***v);
#define cleanup_free __attribute__ ((cleanup (cleanup_freep)))
#define cleanup_close __attribute__ ((cleanup (cleanup_closep)))
#define cleanup_file __attribute__ ((cleanup (cleanup_filep)))
#define cleanup_strv __attribute__ ((cleanup (cleanup_strvp)))

/* Hand an fd out of a cleanup_close variable. */
static inline int
steal_fd (int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}

static inline void *
steal_ptr (void *pp)
{
  void **p = pp;
  void *r = *p;
  *p = NULL;
  return r;
}

void *xmalloc0 (size_t n);
void *xrealloc (void *p, size_t n);
char *xstrdup (const char *s);
int xasprintf (char **out, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* Blocking I/O that retries on EINTR and short counts. */
ssize_t write_all (int fd, const void *buf, size_t len);
ssize_t read_all (int fd, void *buf, size_t len);

/* Small file helpers (errors through err). */
int write_file_at (int dirfd, const char *name, const char *data, size_t len, struct berth_err *err);
int write_file (const char *path, const char *data, size_t len, struct berth_err *err);
int read_file (const char *path, char **out, size_t *len, struct berth_err *err);
int read_file_at (int dirfd, const char *name, char **out, size_t *len, struct berth_err *err);
int write_file_atomic (const char *dir, const char *name, const char *data, size_t len, struct berth_err *err);

/* Growable string buffer used for JSON output. */
struct strbuf
{
  char *buf;
  size_t len, cap;
};
void sb_append (struct strbuf *sb, const char *data, size_t len);
void sb_puts (struct strbuf *sb, const char *s);
void sb_printf (struct strbuf *sb, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* Append data as a JSON string literal escaped exactly as Go's encoding/json. */
void sb_json_string (struct strbuf *sb, const char *data, size_t len);
void sb_free (struct strbuf *sb);

/* RFC3339Nano in UTC the way Go formats it (trailing zeros trimmed). */
void format_rfc3339nano (const struct timespec *ts, char *out, size_t outlen);

/* Go's strconv.Quote for the ASCII cases that matter in error messages. */
void go_quote (const char *s, char *out, size_t outlen);

int set_nonblock (int fd, bool on);
int set_cloexec (int fd, bool on);

/* bind() a unix socket, working around sun_path's 108 byte limit. */
int unix_listen (const char *dir, const char *name, struct berth_err *err);

#endif
