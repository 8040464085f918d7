/* berth-monitor: errors, cleanup helpers, file I/O, JSON/time formatting. */
#include "berth.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

static int
vmake_err (struct berth_err *err, int code, int errnum, const char *fmt, va_list ap)
{
  if (err == NULL)
    return -1;
  err->code = code;
  err->errnum = errnum;
  int n = vsnprintf (err->msg, sizeof (err->msg), fmt, ap);
  if (n < 0)
    n = 0;
  if (errnum != 0 && (size_t) n < sizeof (err->msg))
    snprintf (err->msg + n, sizeof (err->msg) - n, ": %s", strerror (errnum));
  return -1;
}

int
make_err (struct berth_err *err, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vmake_err (err, BERTH_EXIT_INTERNAL, errnum, fmt, ap);
  va_end (ap);
  return -1;
}

int
make_err_code (struct berth_err *err, int code, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vmake_err (err, code, errnum, fmt, ap);
  va_end (ap);
  return -1;
}

void
cleanup_freep (void *p)
{
  void **pp = p;
  free (*pp);
  *pp = NULL;
}

void
cleanup_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
  *fd = -1;
}

void
cleanup_filep (FILE **f)
{
  if (*f)
    fclose (*f);
  *f = NULL;
}

void
cleanup_strvp (char ***v)
{
  if (*v)
    {
      for (char **p = *v; *p; p++)
        free (*p);
      free (*v);
    }
  *v = NULL;
}

void *
xmalloc0 (size_t n)
{
  void *p = calloc (1, n ? n : 1);
  if (p == NULL)
    {
      fputs ("berth-monitor: out of memory\n", stderr);
      _exit (BERTH_EXIT_INTERNAL);
    }
  return p;
}

void *
xrealloc (void *p, size_t n)
{
  void *r = realloc (p, n ? n : 1);
  if (r == NULL)
    {
      fputs ("berth-monitor: out of memory\n", stderr);
      _exit (BERTH_EXIT_INTERNAL);
    }
  return r;
}

char *
xstrdup (const char *s)
{
  if (s == NULL)
    return NULL;
  char *r = strdup (s);
  if (r == NULL)
    {
      fputs ("berth-monitor: out of memory\n", stderr);
      _exit (BERTH_EXIT_INTERNAL);
    }
  return r;
}

int
xasprintf (char **out, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int r = vasprintf (out, fmt, ap);
  va_end (ap);
  if (r < 0)
    {
      fputs ("berth-monitor: out of memory\n", stderr);
      _exit (BERTH_EXIT_INTERNAL);
    }
  return r;
}

ssize_t
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  size_t done = 0;
  while (done < len)
    {
      ssize_t r = write (fd, p + done, len - done);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      done += r;
    }
  return done;
}

ssize_t
read_all (int fd, void *buf, size_t len)
{
  char *p = buf;
  size_t done = 0;
  while (done < len)
    {
      ssize_t r = read (fd, p + done, len - done);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      if (r == 0)
        break;
      done += r;
    }
  return done;
}

int
write_file_at (int dirfd, const char *name, const char *data, size_t len, struct berth_err *err)
{
  cleanup_close int fd = openat (dirfd, name, O_WRONLY | O_CLOEXEC | O_TRUNC);
  if (fd < 0)
    return make_err (err, errno, "open `%s`", name);
  /* cgroup files want one write() per value */
  ssize_t r;
  do
    r = write (fd, data, len);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return make_err (err, errno, "write `%.*s` to `%s`", (int) (len > 64 ? 64 : len), data, name);
  return 0;
}

int
write_file (const char *path, const char *data, size_t len, struct berth_err *err)
{
  return write_file_at (AT_FDCWD, path, data, len, err);
}

int
read_file_at (int dirfd, const char *name, char **out, size_t *len, struct berth_err *err)
{
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return make_err (err, errno, "open `%s`", name);
  size_t cap = 4096, n = 0;
  cleanup_free char *buf = xmalloc0 (cap + 1);
  for (;;)
    {
      if (n == cap)
        {
          cap *= 2;
          buf = xrealloc (buf, cap + 1);
        }
      ssize_t r = read (fd, buf + n, cap - n);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          return make_err (err, errno, "read `%s`", name);
        }
      if (r == 0)
        break;
      n += r;
    }
  buf[n] = '\0';
  if (len)
    *len = n;
  *out = steal_ptr (&buf);
  return 0;
}

int
read_file (const char *path, char **out, size_t *len, struct berth_err *err)
{
  return read_file_at (AT_FDCWD, path, out, len, err);
}

int
write_file_atomic (const char *dir, const char *name, const char *data, size_t len, struct berth_err *err)
{
  cleanup_free char *tmp = NULL;
  cleanup_free char *dst = NULL;
  xasprintf (&tmp, "%s/.%s.tmp", dir, name);
  xasprintf (&dst, "%s/%s", dir, name);
  cleanup_close int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return make_err (err, errno, "open `%s`", tmp);
  if (write_all (fd, data, len) < 0)
    return make_err (err, errno, "write `%s`", tmp);
  if (fsync (fd) < 0)
    return make_err (err, errno, "fsync `%s`", tmp);
  if (rename (tmp, dst) < 0)
    return make_err (err, errno, "rename `%s` to `%s`", tmp, dst);
  return 0;
}

void
sb_append (struct strbuf *sb, const char *data, size_t len)
{
  if (sb->len + len + 1 > sb->cap)
    {
      size_t cap = sb->cap ? sb->cap : 256;
      while (sb->len + len + 1 > cap)
        cap *= 2;
      sb->buf = xrealloc (sb->buf, cap);
      sb->cap = cap;
    }
  memcpy (sb->buf + sb->len, data, len);
  sb->len += len;
  sb->buf[sb->len] = '\0';
}

void
sb_puts (struct strbuf *sb, const char *s)
{
  sb_append (sb, s, strlen (s));
}

void
sb_printf (struct strbuf *sb, const char *fmt, ...)
{
  char tmp[512];
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (tmp, sizeof (tmp), fmt, ap);
  va_end (ap);
  if (n < 0)
    return;
  if ((size_t) n < sizeof (tmp))
    {
      sb_append (sb, tmp, n);
      return;
    }
  cleanup_free char *big = xmalloc0 (n + 1);
  va_start (ap, fmt);
  vsnprintf (big, n + 1, fmt, ap);
  va_end (ap);
  sb_append (sb, big, n);
}

void
sb_free (struct strbuf *sb)
{
  free (sb->buf);
  sb->buf = NULL;
  sb->len = sb->cap = 0;
}

/* Decode one UTF-8 sequence the way Go's utf8.DecodeRune does; returns the
 * rune or -1 for an invalid encoding (size is then 1). */
static int32_t
decode_rune (const unsigned char *s, size_t n, size_t *size)
{
  unsigned char c = s[0];
  *size = 1;
  if (c < 0x80)
    return c;
  if (c < 0xC2 || c > 0xF4)
    return -1;
  if (c < 0xE0)
    {
      if (n < 2 || (s[1] & 0xC0) != 0x80)
        return -1;
      *size = 2;
      return ((c & 0x1F) << 6) | (s[1] & 0x3F);
    }
  if (c < 0xF0)
    {
      unsigned char lo = 0x80, hi = 0xBF;
      if (c == 0xE0)
        lo = 0xA0;
      else if (c == 0xED)
        hi = 0x9F; /* no surrogates */
      if (n < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
        return -1;
      *size = 3;
      return ((c & 0x0F) << 12) | ((s[1] & 0x3F) << 6) | (s[2] & 0x3F);
    }
  unsigned char lo = 0x80, hi = 0xBF;
  if (c == 0xF0)
    lo = 0x90;
  else if (c == 0xF4)
    hi = 0x8F;
  if (n < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
    return -1;
  *size = 4;
  return ((c & 0x07) << 18) | ((s[1] & 0x3F) << 12) | ((s[2] & 0x3F) << 6) | (s[3] & 0x3F);
}

void
sb_json_string (struct strbuf *sb, const char *data, size_t len)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *s = (const unsigned char *) data;
  size_t start = 0, i = 0;
  sb_append (sb, "\"", 1);
  while (i < len)
    {
      unsigned char b = s[i];
      if (b < 0x80)
        {
          if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&')
            {
              i++;
              continue;
            }
          if (start < i)
            sb_append (sb, data + start, i - start);
          switch (b)
            {
            case '"':
              sb_append (sb, "\\\"", 2);
              break;
            case '\\':
              sb_append (sb, "\\\\", 2);
              break;
            case '\n':
              sb_append (sb, "\\n", 2);
              break;
            case '\r':
              sb_append (sb, "\\r", 2);
              break;
            case '\t':
              sb_append (sb, "\\t", 2);
              break;
            default:
              {
                char esc[6] = { '\\', 'u', '0', '0', hex[b >> 4], hex[b & 0xF] };
                sb_append (sb, esc, 6);
              }
            }
          i++;
          start = i;
          continue;
        }
      size_t size;
      int32_t r = decode_rune (s + i, len - i, &size);
      if (r < 0)
        {
          if (start < i)
            sb_append (sb, data + start, i - start);
          sb_append (sb, "\\ufffd", 6);
          i += size;
          start = i;
          continue;
        }
      if (r == 0x2028 || r == 0x2029)
        {
          if (start < i)
            sb_append (sb, data + start, i - start);
          sb_append (sb, r == 0x2028 ? "\\u2028" : "\\u2029", 6);
          i += size;
          start = i;
          continue;
        }
      i += size;
    }
  if (start < len)
    sb_append (sb, data + start, len - start);
  sb_append (sb, "\"", 1);
}

void
format_rfc3339nano (const struct timespec *ts, char *out, size_t outlen)
{
  struct tm tm;
  gmtime_r (&ts->tv_sec, &tm);
  char base[32];
  strftime (base, sizeof (base), "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16] = "";
  if (ts->tv_nsec)
    {
      snprintf (frac, sizeof (frac), ".%09ld", ts->tv_nsec);
      size_t l = strlen (frac);
      while (l > 1 && frac[l - 1] == '0')
        frac[--l] = '\0';
    }
  snprintf (out, outlen, "%s%sZ", base, frac);
}

void
go_quote (const char *s, char *out, size_t outlen)
{
  static const char hex[] = "0123456789abcdef";
  struct strbuf sb = { 0 };
  sb_append (&sb, "\"", 1);
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      switch (*p)
        {
        case '"':
          sb_puts (&sb, "\\\"");
          break;
        case '\\':
          sb_puts (&sb, "\\\\");
          break;
        case '\a':
          sb_puts (&sb, "\\a");
          break;
        case '\b':
          sb_puts (&sb, "\\b");
          break;
        case '\f':
          sb_puts (&sb, "\\f");
          break;
        case '\n':
          sb_puts (&sb, "\\n");
          break;
        case '\r':
          sb_puts (&sb, "\\r");
          break;
        case '\t':
          sb_puts (&sb, "\\t");
          break;
        case '\v':
          sb_puts (&sb, "\\v");
          break;
        default:
          if (*p < 0x20 || *p == 0x7f)
            {
              char esc[4] = { '\\', 'x', hex[*p >> 4], hex[*p & 0xF] };
              sb_append (&sb, esc, 4);
            }
          else
            sb_append (&sb, (const char *) p, 1);
        }
    }
  sb_append (&sb, "\"", 1);
  snprintf (out, outlen, "%s", sb.buf);
  sb_free (&sb);
}

int
set_nonblock (int fd, bool on)
{
  int fl = fcntl (fd, F_GETFL);
  if (fl < 0)
    return -1;
  fl = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
  return fcntl (fd, F_SETFL, fl);
}

int
set_cloexec (int fd, bool on)
{
  int fl = fcntl (fd, F_GETFD);
  if (fl < 0)
    return -1;
  fl = on ? (fl | FD_CLOEXEC) : (fl & ~FD_CLOEXEC);
  return fcntl (fd, F_SETFD, fl);
}

int
unix_listen (const char *dir, const char *name, struct berth_err *err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int dirfd = -1;
  int n = snprintf (addr.sun_path, sizeof (addr.sun_path), "%s/%s", dir, name);
  if (n < 0 || (size_t) n >= sizeof (addr.sun_path))
    {
      /* Too long for sun_path: go through the directory's fd. */
      dirfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (dirfd < 0)
        return make_err (err, errno, "open `%s`", dir);
      n = snprintf (addr.sun_path, sizeof (addr.sun_path), "/proc/self/fd/%d/%s", dirfd, name);
      if (n < 0 || (size_t) n >= sizeof (addr.sun_path))
        return make_err (err, ENAMETOOLONG, "socket name `%s`", name);
    }
  cleanup_close int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0)
    return make_err (err, errno, "socket");
  unlink (addr.sun_path);
  if (bind (fd, (struct sockaddr *) &addr, sizeof (addr)) < 0)
    return make_err (err, errno, "bind `%s/%s`", dir, name);
  if (listen (fd, 128) < 0)
    return make_err (err, errno, "listen `%s/%s`", dir, name);
  return steal_fd (&fd);
}
