/* berth-monitor: user resolution as runc's GetExecUser does it. */
#include "user.h"

static bool
parse_id (const char *s, long *out)
{
  if (s == NULL || *s == '\0')
    return false;
  char *end;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (*end != '\0' || errno != 0 || v < 0 || v > 0x7fffffffL)
    return false;
  *out = v;
  return true;
}

/* Split a line on ':' into at most n fields (missing ones are ""). */
static size_t
split_fields (char *line, char **fields, size_t n)
{
  size_t i = 0;
  fields[i++] = line;
  for (char *p = line; *p && i < n; p++)
    if (*p == ':')
      {
        *p = '\0';
        fields[i++] = p + 1;
      }
  for (size_t k = i; k < n; k++)
    fields[k] = (char *) "";
  return i;
}

static void
trim_line (char *line)
{
  size_t l = strlen (line);
  while (l && (line[l - 1] == '\n' || line[l - 1] == '\r' || line[l - 1] == ' ' || line[l - 1] == '\t'))
    line[--l] = '\0';
}

static void
add_group (struct berth_user *out, gid_t gid)
{
  for (size_t k = 0; k < out->ngroups; k++)
    if (out->groups[k] == gid)
      return;
  if (out->ngroups < sizeof (out->groups) / sizeof (out->groups[0]))
    out->groups[out->ngroups++] = gid;
}

/* HostConfig.GroupAdd as moby's GetAdditionalGroups resolves it: the first group in
 * /etc/group with that name (or that gid, for a number); a number needs no entry. */
static int
resolve_group_add (const char *const *names, size_t n, struct berth_user *out, struct berth_err *err)
{
  for (size_t i = 0; i < n; i++)
    {
      long want = 0;
      bool numeric = parse_id (names[i], &want);
      bool found = false;
      cleanup_file FILE *gr = fopen ("/etc/group", "re");
      if (gr)
        {
          char *line = NULL;
          size_t cap = 0;
          while (!found && getline (&line, &cap, gr) > 0)
            {
              trim_line (line);
              if (line[0] == '\0' || line[0] == '#')
                continue;
              char *f[4];
              split_fields (line, f, 4);
              long gid = 0;
              if (!parse_id (f[2], &gid))
                continue;
              if (strcmp (f[0], names[i]) == 0 || (numeric && gid == want))
                {
                  add_group (out, (gid_t) gid);
                  found = true;
                }
            }
          free (line);
        }
      if (!found)
        {
          if (!numeric)
            return make_err_code (err, BERTH_EXIT_SPEC, 0, "unable to find group %s: no matching entries in group file", names[i]);
          add_group (out, (gid_t) want);
        }
    }
  return 0;
}

int
user_resolve (const char *spec, uid_t def_uid, gid_t def_gid, const gid_t *additional, size_t nadditional,
              const char *const *group_add, size_t ngroup_add, struct berth_user *out, struct berth_err *err)
{
  gid_t sgids[256];
  size_t nsgids = 0;
  char defspec[64];
  if (spec == NULL)
    {
      snprintf (defspec, sizeof (defspec), "%u:%u", (unsigned) def_uid, (unsigned) def_gid);
      spec = defspec;
    }
  memset (out, 0, sizeof (*out));
  out->uid = 0;
  out->gid = 0;
  strcpy (out->home, "/");

  char user_arg[256], group_arg[256] = "";
  snprintf (user_arg, sizeof (user_arg), "%s", spec);
  char *colon = strchr (user_arg, ':');
  if (colon)
    {
      *colon = '\0';
      snprintf (group_arg, sizeof (group_arg), "%s", colon + 1);
    }
  long uid_arg = 0, gid_arg = 0;
  bool uid_num = parse_id (user_arg, &uid_arg);
  bool gid_num = parse_id (group_arg, &gid_arg);

  char matched[256] = "";
  cleanup_file FILE *pw = fopen ("/etc/passwd", "re");
  if (pw)
    {
      char *line = NULL;
      size_t cap = 0;
      while (getline (&line, &cap, pw) > 0)
        {
          trim_line (line);
          if (line[0] == '\0' || line[0] == '#')
            continue;
          char *f[7];
          split_fields (line, f, 7);
          long uid = 0, gid = 0;
          parse_id (f[2], &uid);
          parse_id (f[3], &gid);
          bool hit;
          if (user_arg[0] == '\0')
            hit = uid == 0;
          else if (uid_num)
            hit = uid == uid_arg;
          else
            hit = strcmp (f[0], user_arg) == 0;
          if (hit)
            {
              snprintf (matched, sizeof (matched), "%s", f[0]);
              out->uid = (uid_t) uid;
              out->gid = (gid_t) gid;
              snprintf (out->home, sizeof (out->home), "%s", f[5]);
              break;
            }
        }
      free (line);
    }
  if (matched[0] == '\0' && user_arg[0] != '\0')
    {
      if (!uid_num)
        return make_err_code (err, BERTH_EXIT_SPEC, 0, "unable to find user %s: no matching entries in passwd file", user_arg);
      out->uid = (uid_t) uid_arg;
    }

  if (group_arg[0] != '\0' || matched[0] != '\0')
    {
      bool found_group = false;
      cleanup_file FILE *gr = fopen ("/etc/group", "re");
      if (gr)
        {
          char *line = NULL;
          size_t cap = 0;
          while (getline (&line, &cap, gr) > 0)
            {
              trim_line (line);
              if (line[0] == '\0' || line[0] == '#')
                continue;
              char *f[4];
              split_fields (line, f, 4);
              long gid = 0;
              parse_id (f[2], &gid);
              if (group_arg[0] == '\0')
                {
                  /* implicit form: supplementary groups listing the user */
                  for (char *m = strtok (f[3], ","); m; m = strtok (NULL, ","))
                    if (strcmp (m, matched) == 0 && nsgids < sizeof (sgids) / sizeof (sgids[0]))
                      {
                        sgids[nsgids++] = (gid_t) gid;
                        break;
                      }
                }
              else if (!found_group && (gid_num ? gid == gid_arg : strcmp (f[0], group_arg) == 0))
                {
                  out->gid = (gid_t) gid;
                  found_group = true;
                }
            }
          free (line);
        }
      if (group_arg[0] != '\0' && !found_group)
        {
          if (!gid_num)
            return make_err_code (err, BERTH_EXIT_SPEC, 0, "unable to find group %s: no matching entries in group file", group_arg);
          out->gid = (gid_t) gid_arg;
        }
    }

  /* moby's getUser: the primary gid is always one of the groups */
  add_group (out, out->gid);
  for (size_t i = 0; i < nsgids; i++)
    add_group (out, sgids[i]);
  for (size_t i = 0; i < nadditional; i++)
    add_group (out, additional[i]);
  return resolve_group_add (group_add, ngroup_add, out, err);
}
