/* berth-monitor: Docker json-file log writer. */
#ifndef BERTH_LOG_H
#define BERTH_LOG_H

#include "berth.h"

#define LOG_LINE_MAX 16384

struct log_stream
{
  char buf[LOG_LINE_MAX];
  size_t len;
};

struct logger
{
  int fd; /* -1: no log (exec) */
  struct log_stream streams[3]; /* [1] stdout, [2] stderr */
  /* json-file rotation (berth.log-max-size / berth.log-max-file): 0 = never */
  const char *path;
  long long max_size;
  int max_file;
  bool compress; /* berth.log-compress: rotated files gzipped (<log>.N.gz) */
  pid_t gzip_pid; /* the gzip of <log>.1 in flight (awaited before the next rotation) */
  long long size;
};

int logger_open (struct logger *log, const char *path, struct berth_err *err);
/* One entry per line (the '\n' included); a partial line waits until it is
 * completed, the buffer holds 16 KiB, or logger_flush. */
void logger_write (struct logger *log, int stream, const char *data, size_t len, const struct timespec *ts);
void logger_flush (struct logger *log, int stream, const struct timespec *ts);
void logger_close (struct logger *log);
/* Rotate as json-file does once the file reaches max_size: <log> → <log>.1 … <log>.(max_file-1)
 * (the oldest dropped); max_file 1 truncates in place. */
void logger_set_rotation (struct logger *log, long long max_size, int max_file, bool compress);

#endif
