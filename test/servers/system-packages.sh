#!/usr/bin/env bash
# Installs the Debian packages the tests use when they are missing:
# PostgreSQL's server (postgres.sh), podman and runc (the container test),
# systemd's systemd-analyze (the unit checks), wrk (make bench), and Java
# with Maven (DynamoDB Local), and Chromium (the demo's browser test, driven
# by playwright-core). Needs root for apt-get.
set -euo pipefail
need=()
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
command -v podman >/dev/null || need+=(podman)
command -v runc >/dev/null || need+=(runc)
command -v slirp4netns >/dev/null || need+=(slirp4netns)
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v wrk >/dev/null || need+=(wrk)   # make bench's load generator
command -v java >/dev/null || need+=(openjdk-17-jre-headless)   # DynamoDB Local
command -v mvn >/dev/null || need+=(maven)                       # fetches DynamoDB Local
[ -x /usr/bin/chromium ] || need+=(chromium)                     # the demo's browser test
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${need[*]} (install them with apt-get as root)" >&2
  exit 1
fi
echo "installing ${need[*]} from Debian's packages..." >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
