#!/usr/bin/env bash
# waitport.sh PORT PID NAME: waits until PORT on 127.0.0.1 accepts
# connections, failing at once if process PID has exited and after 60 s.
set -euo pipefail
port=$1 pid=$2 name=$3
for _ in $(seq 1 600); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then exit 0; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "$name exited before listening on 127.0.0.1:$port" >&2; exit 1
  fi
  sleep 0.1
done
echo "$name did not listen on 127.0.0.1:$port within 60 s" >&2
exit 1
