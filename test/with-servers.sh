#!/usr/bin/env bash
# with-servers.sh CMD...: starts a throwaway PostgreSQL cluster and Amazon's
# DynamoDB Local, runs CMD with their addresses in PROGRESS_TEST_POSTGRES_URL and
# PROGRESS_TEST_DYNAMODB_ENDPOINT, and stops both whatever CMD does.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/progresskit-servers.XXXXXX)
chmod 755 "$work"
cleanup() {
  "$here/servers/dynamodb-local.sh" stop "$work/dynamodb" || true
  "$here/servers/postgres.sh" stop "$work/postgres" || true
  rm -rf "$work"
}
trap cleanup EXIT
echo "starting PostgreSQL and DynamoDB Local for the tests..." >&2
PROGRESS_TEST_POSTGRES_URL=$("$here/servers/postgres.sh" start "$work/postgres")
PROGRESS_TEST_DYNAMODB_ENDPOINT=$("$here/servers/dynamodb-local.sh" start "$work/dynamodb")
export PROGRESS_TEST_POSTGRES_URL PROGRESS_TEST_DYNAMODB_ENDPOINT
echo "PostgreSQL at ${PROGRESS_TEST_POSTGRES_URL}, DynamoDB Local at ${PROGRESS_TEST_DYNAMODB_ENDPOINT}" >&2
"$@"
