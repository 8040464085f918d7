#!/bin/sh
# make-busybox-rootfs.sh OUT.tar
#
# Turns Debian's busybox-static (/bin/busybox, apt package busybox-static)
# into a small rootfs tarball for Berth's tests: busybox plus a symlink per
# applet, /etc/passwd and /etc/group (root, nobody, www), /tmp, /root, /home,
# /www/index.html. The tarball is byte-for-byte reproducible (fixed mtimes,
# sorted names, numeric owners), so image IDs built from it are stable.
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 OUT.tar" >&2
  exit 2
fi
OUT=$1
BUSYBOX=${BUSYBOX:-/bin/busybox}
MTIME=${SOURCE_DATE_EPOCH:-1704067200} # 2024-01-01T00:00:00Z

if [ ! -x "$BUSYBOX" ]; then
  echo "$0: $BUSYBOX not found (apt-get install busybox-static)" >&2
  exit 1
fi
if ! "$BUSYBOX" --list-full >/dev/null 2>&1; then
  echo "$0: $BUSYBOX does not support --list-full" >&2
  exit 1
fi

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/berth-rootfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT INT TERM
R=$STAGE/rootfs
umask 022
mkdir -p "$R"

for d in bin sbin usr/bin usr/sbin etc root home home/www tmp var var/tmp www dev proc sys; do
  mkdir -p "$R/$d"
done
chmod 0700 "$R/root"
chmod 1777 "$R/tmp" "$R/var/tmp"

cp "$BUSYBOX" "$R/bin/busybox"
chmod 0755 "$R/bin/busybox"
"$BUSYBOX" --list-full | while read -r applet; do
  [ -n "$applet" ] || continue
  [ "$applet" = "bin/busybox" ] && continue
  mkdir -p "$R/$(dirname "$applet")"
  ln -sf /bin/busybox "$R/$applet"
done

cat >"$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
www:x:1000:1000:www:/home/www:/bin/sh
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
cat >"$R/etc/group" <<'EOF'
root:x:0:
staff:x:50:www
www:x:1000:
nogroup:x:65533:
nobody:x:65534:
EOF
chmod 0644 "$R/etc/passwd" "$R/etc/group"

printf '<h1>hello from berth</h1>\n' >"$R/www/index.html"
chmod 0644 "$R/www/index.html"

chown -R 0:0 "$R"
chown 1000:1000 "$R/home/www"

mkdir -p "$(dirname "$OUT")"
TMP_OUT="$OUT.tmp.$$"
# entries named like `docker export` names them (bin/sh, not ./bin/sh)
# shellcheck disable=SC2046
tar --create --file="$TMP_OUT" --directory="$R" \
  --format=gnu --sort=name --numeric-owner \
  --mtime="@$MTIME" --no-acls --no-xattrs --no-selinux \
  $(cd "$R" && LC_ALL=C ls -A)
mv -f "$TMP_OUT" "$OUT"
