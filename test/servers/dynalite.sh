#!/usr/bin/env bash
# dynalite.sh start DIR | stop DIR
# A DynamoDB-compatible server for tests: npm's dynalite, pinned in the
# repository's package.json, in memory on 127.0.0.1 and a free port. Tables
# become ACTIVE at once (--createTableMs 0), so the SDK's waiter never sleeps.
# start prints the endpoint URL on stdout.
set -euo pipefail
cmd=${1:?usage: dynalite.sh start|stop DIR} dir=${2:?usage: dynalite.sh start|stop DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

case "$cmd" in
start)
  bin="$root/node_modules/.bin/dynalite"
  if [ ! -x "$bin" ]; then
    (cd "$root" && npm ci --no-audit --no-fund >&2)
  fi
  rm -rf "$dir" && mkdir -p "$dir"
  port=$("$here/freeport.sh")
  "$bin" --host 127.0.0.1 --port "$port" --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 >"$dir/server.log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/pid"
  "$here/waitport.sh" "$port" "$pid" dynalite || { cat "$dir/server.log" >&2; exit 1; }
  echo "http://127.0.0.1:$port"
  ;;
stop)
  if [ -f "$dir/pid" ]; then
    pid=$(cat "$dir/pid")
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "dynalite (pid $pid) had exited before the end of the tests; its log:" >&2
      tail -n 40 "$dir/server.log" >&2 || true
    fi
    kill "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -rf "$dir"
  ;;
*) echo "usage: dynalite.sh start|stop DIR" >&2; exit 2 ;;
esac
