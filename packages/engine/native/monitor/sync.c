/* berth-monitor: the sync channel, one SOCK_SEQPACKET message at a time,
 * with an fd passed alongside (the pty master) when asked. */
#include "sync.h"

#include <sys/socket.h>
#include <sys/uio.h>

int
sync_send (int fd, int type, const struct berth_err *err, int pass_fd)
{
  struct sync_msg msg;
  memset (&msg, 0, sizeof (msg));
  msg.type = type;
  size_t len = offsetof (struct sync_msg, msg);
  if (err)
    {
      msg.code = err->code;
      snprintf (msg.msg, sizeof (msg.msg), "%s", err->msg);
      len += strlen (msg.msg) + 1;
    }
  struct iovec iov = { .iov_base = &msg, .iov_len = len };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  if (pass_fd >= 0)
    {
      memset (&u, 0, sizeof (u));
      mh.msg_control = u.buf;
      mh.msg_controllen = sizeof (u.buf);
      struct cmsghdr *c = CMSG_FIRSTHDR (&mh);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (c), &pass_fd, sizeof (int));
    }
  ssize_t r;
  do
    r = sendmsg (fd, &mh, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  return r < 0 ? -1 : 0;
}

int
sync_recv (int fd, struct sync_msg *msg, int *pass_fd)
{
  memset (msg, 0, sizeof (*msg));
  if (pass_fd)
    *pass_fd = -1;
  struct iovec iov = { .iov_base = msg, .iov_len = sizeof (*msg) };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } u;
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof (u.buf) };
  ssize_t r;
  do
    r = recvmsg (fd, &mh, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  if (r <= 0)
    return r < 0 ? -1 : 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&mh); c; c = CMSG_NXTHDR (&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      {
        int got;
        memcpy (&got, CMSG_DATA (c), sizeof (int));
        if (pass_fd)
          *pass_fd = got;
        else
          close (got);
      }
  msg->msg[sizeof (msg->msg) - 1] = '\0';
  return 1;
}
