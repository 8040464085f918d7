#!/usr/bin/env bash
# System packages and the pinned pnpm that building and testing Berth needs (Debian, as root).
set -euo pipefail

packages=(
  busybox-static        # the test image's rootfs
  iptables iproute2     # bridge networking, test network namespaces
  docker-registry       # a real registry on 127.0.0.1 for pull/push tests
  skopeo                # independent reader of our `save` archives
  apache2-utils         # htpasswd for the registry's basic auth
  curl                  # registry checks from inside the test network namespace (e2e/registry.ts)
  python3-docker        # docker-py: API requests the docker CLI cannot send, a real Docker SDK against berthd (e2e)
  libarchive-dev        # native layer extraction
  zstd                  # diffIDs of zstd layers (images/service.ts)
  attr                  # getfattr: overlay opaque dirs in container diffs (storage/diff.ts)
  libseccomp-dev libjansson-dev libcap-dev  # berth-monitor
  gcc make python3 util-linux
  procps bsdutils gzip  # ps for `top`, script (pty tests) and logger (syslog driver), log compression
  openssl               # TLS test certificates
  g++                   # node-gyp addons (rtnetlink: raw netlink sockets, no library)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The registry package starts a service on :5000 on install; tests run their own on other ports.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now docker-registry >/dev/null 2>&1 || true; fi

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "12.4.2" ]; then
  npm install -g pnpm@12.4.2 >/dev/null
fi
