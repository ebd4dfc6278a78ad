#!/usr/bin/env bash
# dynamodb-local.sh start DIR | stop DIR | pause DIR | resume DIR
# Amazon's DynamoDB Local (com.amazonaws:DynamoDBLocal, pinned in
# dynamodb-local/pom.xml), in memory on a free port, for tests and make
# bench. Maven fetches it once into .cache/dynamodb-local (about 51 MB with
# sqlite4java's native library). It listens on every interface and has no
# option to bind one; the tests send it traffic on 127.0.0.1 only.
# -sharedDb gives every client one database whatever its credentials.
# start prints the endpoint URL on stdout. With PERSIST=1 the tables live in
# DIR instead of memory, so pause (stop the server) and resume (start it
# again on the same port) keep them: the fault tests' store outage.
set -euo pipefail
cmd=${1:?usage: dynamodb-local.sh start|stop|pause|resume DIR} dir=${2:?usage: dynamodb-local.sh start|stop|pause|resume DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lib="$root/.cache/dynamodb-local/lib"

run_server() {
  local port=$1 storage=(-inMemory)
  [ -f "$dir/persist" ] && storage=(-dbPath "$dir/db")
  # java -jar fails: the jar's manifest expects a DynamoDBLocal_lib folder.
  java -Xmx512m -Djava.library.path="$lib" -cp "$lib/*" com.amazonaws.services.dynamodbv2.local.main.ServerRunner \
    "${storage[@]}" -sharedDb -port "$port" -disableTelemetry >>"$dir/server.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/pid"
  "$here/waitport.sh" "$port" "$pid" "DynamoDB Local" || { cat "$dir/server.log" >&2; exit 1; }
}

stop_server() {
  local pid
  pid=$(cat "$dir/pid")
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

case "$cmd" in
start)
  if [ ! -f "$lib/.complete" ]; then
    command -v mvn >/dev/null || { echo "mvn is missing: install Maven (Debian's maven package)" >&2; exit 1; }
    command -v java >/dev/null || { echo "java is missing: install a JRE 17+" >&2; exit 1; }
    echo "fetching DynamoDB Local with Maven into $lib..." >&2
    rm -rf "$lib"
    (cd "$here/dynamodb-local" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$lib" >&2)
    touch "$lib/.complete"
  fi
  rm -rf "$dir" && mkdir -p "$dir"
  if [ "${PERSIST:-}" = 1 ]; then mkdir -p "$dir/db" && touch "$dir/persist"; fi
  port=$("$here/freeport.sh")
  echo "$port" >"$dir/port"
  run_server "$port"
  echo "http://127.0.0.1:$port"
  ;;
stop)
  if [ -f "$dir/pid" ]; then
    pid=$(cat "$dir/pid")
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "DynamoDB Local (pid $pid) had exited before the end of the tests; its log:" >&2
      tail -n 40 "$dir/server.log" >&2 || true
    fi
    stop_server
  fi
  rm -rf "$dir"
  ;;
pause) stop_server ;;
resume) run_server "$(cat "$dir/port")" ;;
*) echo "usage: dynamodb-local.sh start|stop|pause|resume DIR" >&2; exit 2 ;;
esac
