#!/usr/bin/env bash
# postgres.sh start DIR | stop DIR | pause DIR | resume DIR
# A throwaway PostgreSQL cluster for tests: Debian's server (installed with
# apt when missing), fsync off (on with PROGRESS_PG_DURABLE=1, as make bench
# runs it), listening on 127.0.0.1 and a free port, with
# everything under DIR. start prints the connection URL on stdout. pause
# shuts the server down keeping its data; resume starts it again on the
# same port (the fault tests' store outage).
set -euo pipefail
cmd=${1:?usage: postgres.sh start|stop|pause|resume DIR} dir=${2:?usage: postgres.sh start|stop|pause|resume DIR}
here=$(cd "$(dirname "$0")" && pwd)

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

# initdb refuses to run as root, so as root the cluster belongs to postgres.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

run_server() {
  # Tests need no durability; PROGRESS_PG_DURABLE=1 (make bench) keeps
  # fsync and full-page writes on, so commits cost what they do on RDS.
  local fast="-F -c full_page_writes=off"
  [ "${PROGRESS_PG_DURABLE:-}" = 1 ] && fast=""
  as_owner "$1/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "$fast -p $2 -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
}

case "$cmd" in
start)
  bin=$(pg_bin)
  if [ -z "$bin" ]; then
    if [ "$(id -u)" != 0 ]; then
      echo "PostgreSQL server not found: install Debian's postgresql package (apt-get install postgresql)" >&2; exit 1
    fi
    echo "installing PostgreSQL from Debian's packages..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(pg_bin)
    [ -n "$bin" ] || { echo "apt-get installed no PostgreSQL server" >&2; exit 1; }
  fi
  rm -rf "$dir" && mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  port=$("$here/freeport.sh")
  as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  run_server "$bin" "$port"
  echo "$port" >"$dir/port"
  echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  ;;
stop)
  bin=$(pg_bin)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
  fi
  rm -rf "$dir"
  ;;
pause)
  as_owner "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >&2
  ;;
resume)
  run_server "$(pg_bin)" "$(cat "$dir/port")"
  ;;
*) echo "usage: postgres.sh start|stop|pause|resume DIR" >&2; exit 2 ;;
esac
