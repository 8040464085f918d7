/* berth-monitor: the exec point (see exec.h). */
#include "exec.h"

#include "sync.h"

#include <sys/stat.h>

static void
lower_first (char *s)
{
  if (s[0] >= 'A' && s[0] <= 'Z')
    s[0] += 32;
}

const char *
env_get (char **env, const char *name)
{
  size_t l = strlen (name);
  for (char **e = env; e && *e; e++)
    if (strncmp (*e, name, l) == 0 && (*e)[l] == '=')
      return *e + l + 1;
  return NULL;
}

/* Go's old exec.findExecutable: a directory or a file without any x bit is
 * "permission denied". Returns 0 or an errno. */
static int
find_executable (const char *file)
{
  struct stat st;
  if (stat (file, &st) < 0)
    return errno;
  if (!S_ISDIR (st.st_mode) && (st.st_mode & 0111))
    return 0;
  return EACCES;
}

/* exec.LookPath against the container's PATH, with Docker's messages. */
int
lookpath (const char *file, char **env, char *out, size_t outlen, struct berth_err *err)
{
  char q[PATH_MAX + 16];
  go_quote (file, q, sizeof (q));
  if (strchr (file, '/'))
    {
      int r = find_executable (file);
      if (r == 0)
        {
          snprintf (out, outlen, "%s", file);
          return 0;
        }
      if (r == EACCES)
        return make_err_code (err, BERTH_EXIT_CANNOT_EXEC, 0, "exec: %s: permission denied", q);
      char e[128];
      snprintf (e, sizeof (e), "%s", strerror (r));
      lower_first (e);
      return make_err_code (err, (r == ENOENT || r == ENOTDIR) ? BERTH_EXIT_NOT_FOUND : BERTH_EXIT_CANNOT_EXEC, 0,
                            "exec: %s: stat %s: %s", q, file, e);
    }
  const char *p = env_get (env, "PATH");
  /* filepath.SplitList("") is empty; "a::b" has an empty entry meaning "." */
  while (p && *p)
    {
      const char *colon = strchr (p, ':');
      size_t l = colon ? (size_t) (colon - p) : strlen (p);
      char cand[PATH_MAX];
      if (l == 0)
        snprintf (cand, sizeof (cand), "./%s", file);
      else
        snprintf (cand, sizeof (cand), "%.*s/%s", (int) l, p, file);
      if (find_executable (cand) == 0)
        {
          snprintf (out, outlen, "%s", cand);
          return 0;
        }
      if (!colon)
        break;
      p = colon + 1;
      if (*p == '\0')
        {
          /* trailing ':' is one more empty entry */
          snprintf (cand, sizeof (cand), "./%s", file);
          if (find_executable (cand) == 0)
            {
              snprintf (out, outlen, "%s", cand);
              return 0;
            }
        }
    }
  return make_err_code (err, BERTH_EXIT_NOT_FOUND, 0, "exec: %s: executable file not found in $PATH", q);
}

void
exec_or_report (const char *path, char **argv, char **envp, int sync_fd)
{
  execve (path, argv, envp);
  int e = errno;
  char s[128];
  snprintf (s, sizeof (s), "%s", strerror (e));
  lower_first (s);
  struct berth_err err;
  make_err_code (&err, e == ENOENT ? BERTH_EXIT_NOT_FOUND : BERTH_EXIT_CANNOT_EXEC, 0, "exec %s: %s", path, s);
  sync_send (sync_fd, SYNC_EXEC_FAILED, &err, -1);
  _exit (err.code);
}
