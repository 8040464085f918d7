/* berth-monitor: berth.init — a tiny PID 1 (Docker's --init, tini's job):
 * forks the real process, forwards signals to it, reaps every zombie, and
 * exits with the process's status. Runs in the container's init after all
 * setup, so it shares its credentials, capabilities and seccomp filter. */
#include "init.h"

#include "exec.h"
#include "sync.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>

void
init_reaper_exec (const char *path, char **argv, char **envp, int sync_fd, bool terminal)
{
  sigset_t all, none;
  sigfillset (&all);
  sigemptyset (&none);
  sigprocmask (SIG_BLOCK, &all, NULL);

  pid_t child = fork ();
  if (child < 0)
    {
      struct berth_err err;
      make_err_code (&err, BERTH_EXIT_CANNOT_EXEC, errno, "init: fork");
      sync_send (sync_fd, SYNC_EXEC_FAILED, &err, -1);
      _exit (BERTH_EXIT_CANNOT_EXEC);
    }
  if (child == 0)
    {
      setpgid (0, 0);
      /* SIGTTOU is blocked, so this works from the background */
      if (terminal)
        tcsetpgrp (0, getpid ());
      sigprocmask (SIG_SETMASK, &none, NULL);
      exec_or_report (path, argv, envp, sync_fd);
    }
  /* the child holds the CLOEXEC sync fd: exec success shows as EOF */
  close (sync_fd);
  if (getpid () != 1)
    prctl (PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  for (;;)
    {
      siginfo_t si;
      int sig = sigwaitinfo (&all, &si);
      if (sig < 0)
        continue;
      if (sig != SIGCHLD)
        {
          kill (child, sig);
          continue;
        }
      for (;;)
        {
          int status;
          pid_t w = waitpid (-1, &status, WNOHANG);
          if (w <= 0)
            break;
          if (w == child)
            {
              if (WIFEXITED (status))
                _exit (WEXITSTATUS (status));
              _exit (128 + WTERMSIG (status));
            }
        }
    }
}
