#!/usr/bin/env bash
# schemathesis.sh: runs schemathesis (pinned in requirements-dev.txt, from
# the project's .venv) against a real 'progress serve' on a free loopback
# port, with the API's OpenAPI document and an admin dev token. It fails on
# any 5xx, any response that breaks the schema, and any undocumented status.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
here="$root/test"
st="$root/.venv/bin/schemathesis"
[ -x "$st" ] || { echo "schemathesis is not installed: run 'make tools'" >&2; exit 1; }
bin="$root/bin/progress"
[ -x "$bin" ] || { echo "bin/progress is missing: run 'make build'" >&2; exit 1; }

work=$(mktemp -d /tmp/progresskit-schemathesis.XXXXXX)
port=$("$here/servers/freeport.sh")
(cd "$work" && exec "$bin" serve --addr "127.0.0.1:$port" --auth dev --store "sqlite://$work/p.db" --log-level warn) 2>"$work/server.log" &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
"$here/servers/waitport.sh" "$port" "$pid" "progress serve" || { cat "$work/server.log" >&2; exit 1; }
token=$(cd "$work" && "$bin" token --user schemathesis --admin)

# --seed keeps a failure reproducible; -n bounds the run to about a minute.
status=0
"$st" run "$root/service/api/openapi.yaml" \
  --url "http://127.0.0.1:$port" \
  --header "Authorization: Bearer $token" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,response_headers_conformance \
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-60}" \
  --seed 20261122 \
  --workers 2 \
  --request-timeout 10 \
  --no-color || status=$?
if grep -q '"level":"ERROR"' "$work/server.log"; then
  echo "the server logged errors during the run:" >&2
  grep '"level":"ERROR"' "$work/server.log" | head -20 >&2
  exit 1
fi
exit $status
