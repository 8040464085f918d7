/* berth-monitor: Docker json-file log lines:
 *   {"log":"hello\n","stream":"stdout","time":"2026-12-01T05:39:21.123456789Z"} */
#include "log.h"

#include <fcntl.h>

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
  return 0;
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
    }
  if (sb.len)
    write_all (log->fd, sb.buf, sb.len);
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
  write_all (log->fd, sb.buf, sb.len);
  sb_free (&sb);
}

void
logger_close (struct logger *log)
{
  if (log->fd >= 0)
    close (log->fd);
  log->fd = -1;
}
