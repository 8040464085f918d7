/* berth-monitor: Docker json-file log lines:
 *   {"log":"hello\n","stream":"stdout","time":"2026-12-01T05:39:21.123456789Z"} */
#include "log.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int
logger_open (struct logger *log, const char *path, struct berth_err *err)
{
  memset (log, 0, sizeof (*log));
  log->fd = -1;
  if (path == NULL)
    return 0;
  log->fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (log->fd < 0)
    return make_err (err, errno, "open log file `%s`", path);
  log->path = path;
  struct stat st;
  if (fstat (log->fd, &st) == 0)
    log->size = st.st_size;
  return 0;
}

void
logger_set_rotation (struct logger *log, long long max_size, int max_file, bool compress)
{
  log->compress = compress;
  log->max_size = max_size;
  log->max_file = max_file < 1 ? 1 : max_file;
}

/* gzip <log>.1 into <log>.1.gz in a child; the next rotation (or close) waits for it. */
static void
compress_file (struct logger *log, const char *path)
{
  pid_t pid = fork ();
  if (pid == 0)
    {
      execlp ("gzip", "gzip", "-f", "-q", path, (char *) NULL);
      _exit (127);
    }
  log->gzip_pid = pid > 0 ? pid : 0;
}

static void
wait_compress (struct logger *log)
{
  if (log->gzip_pid > 0)
    waitpid (log->gzip_pid, NULL, 0);
  log->gzip_pid = 0;
}

static void
rotate (struct logger *log)
{
  if (log->max_file < 2)
    {
      if (ftruncate (log->fd, 0) == 0)
        log->size = 0;
      return;
    }
  wait_compress (log);
  char from[4096], to[4096];
  const char *ext = log->compress ? ".gz" : "";
  snprintf (to, sizeof (to), "%s.%d%s", log->path, log->max_file - 1, ext);
  unlink (to);
  for (int i = log->max_file - 1; i > 1; i--)
    {
      snprintf (from, sizeof (from), "%s.%d%s", log->path, i - 1, ext);
      snprintf (to, sizeof (to), "%s.%d%s", log->path, i, ext);
      rename (from, to);
    }
  snprintf (to, sizeof (to), "%s.1", log->path);
  if (rename (log->path, to) < 0)
    return;
  int fd = open (log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0)
    return;
  close (log->fd);
  log->fd = fd;
  log->size = 0;
  if (log->compress)
    compress_file (log, to);
}

static void
write_entries (struct logger *log, const struct strbuf *sb)
{
  if (log->max_size > 0 && log->size >= log->max_size)
    rotate (log);
  if (write_all (log->fd, sb->buf, sb->len) > 0)
    log->size += sb->len;
}

static void
entry (struct strbuf *sb, int stream, const char *data, size_t len, const char *time)
{
  sb_puts (sb, "{\"log\":");
  sb_json_string (sb, data, len);
  sb_puts (sb, stream == 2 ? ",\"stream\":\"stderr\",\"time\":\"" : ",\"stream\":\"stdout\",\"time\":\"");
  sb_puts (sb, time);
  sb_puts (sb, "\"}\n");
}

void
logger_write (struct logger *log, int stream, const char *data, size_t len, const struct timespec *ts)
{
  if (log->fd < 0 || len == 0)
    return;
  struct log_stream *s = &log->streams[stream == 2 ? 2 : 1];
  char time[64];
  format_rfc3339nano (ts, time, sizeof (time));
  struct strbuf sb = { 0 };
  while (len > 0)
    {
      const char *nl = memchr (data, '\n', len);
      size_t take = nl ? (size_t) (nl - data) + 1 : len;
      size_t room = LOG_LINE_MAX - s->len;
      bool complete = nl != NULL;
      if (take > room)
        {
          take = room;
          complete = false;
        }
      if (s->len == 0 && (complete || take == LOG_LINE_MAX))
        entry (&sb, stream, data, take, time); /* straight from the read buffer */
      else
        {
          memcpy (s->buf + s->len, data, take);
          s->len += take;
          if (complete || s->len == LOG_LINE_MAX)
            {
              entry (&sb, stream, s->buf, s->len, time);
              s->len = 0;
            }
        }
      data += take;
      len -= take;
      if (log->max_size > 0 && sb.len)
        {
          /* rotation is decided per entry, as json-file does */
          write_entries (log, &sb);
          sb.len = 0;
        }
    }
  if (sb.len)
    write_entries (log, &sb);
  sb_free (&sb);
}

void
logger_flush (struct logger *log, int stream, const struct timespec *ts)
{
  if (log->fd < 0)
    return;
  struct log_stream *s = &log->streams[stream == 2 ? 2 : 1];
  if (s->len == 0)
    return;
  char time[64];
  format_rfc3339nano (ts, time, sizeof (time));
  struct strbuf sb = { 0 };
  entry (&sb, stream, s->buf, s->len, time);
  s->len = 0;
  write_entries (log, &sb);
  sb_free (&sb);
}

void
logger_close (struct logger *log)
{
  wait_compress (log);
  if (log->fd >= 0)
    close (log->fd);
  log->fd = -1;
}
