#!/usr/bin/env bash
# Fuzz the REST API against its own OpenAPI schema on a live server with demo data.
# Fails on any server error or any response that breaks the schema.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${API_FUZZ_PORT:-8765}"
MAX_EXAMPLES="${API_FUZZ_MAX_EXAMPLES:-25}"
MAX_TIME="${API_FUZZ_MAX_TIME:-300}"
VAR_DIR="$(mktemp -d)"
SERVER_PID=""

cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$VAR_DIR"
}
trap cleanup EXIT

# The embedded default in a throwaway directory; generous rates so that the
# fuzzer tests the endpoints rather than the throttles.
unset DATABASE_URL REDIS_URL
export PORTAL_VAR_DIR="$VAR_DIR"
export DEBUG=false ALLOWED_HOSTS="127.0.0.1,localhost"
export API_ANON_RATE=100000/min API_USER_RATE=100000/min API_WRITE_RATE=100000/min

.venv/bin/python manage.py bootstrap
.venv/bin/python manage.py collectstatic --noinput -v 0
# A personal API token of a demo representative, so that the writes are fuzzed too.
TOKEN="$(.venv/bin/python manage.py shell -c '
from accounts.models import Membership, MembershipRole
from accounts.tokens import api_token_create
membership = Membership.objects.filter(role=MembershipRole.REPRESENTATIVE, organisation__status="verified").order_by("pk").first()
print(api_token_create(name="schemathesis", by=membership.user)[1])
' | tail -n 1)"
.venv/bin/gunicorn portal.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
  --limit-request-line 0 --access-logfile /dev/null --error-logfile "$VAR_DIR/gunicorn.log" \
  2>>"$VAR_DIR/gunicorn.log" &
SERVER_PID=$!

for _ in $(seq 60); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/api/schema/" 2>/dev/null && break
  sleep 0.5
done

status=0
ROOT="$PWD"
# Run from the temporary directory: schemathesis keeps its cache in the working directory.
cd "$VAR_DIR"
"$ROOT/.venv/bin/schemathesis" run "http://127.0.0.1:$PORT/api/schema/" \
  --url "http://127.0.0.1:$PORT" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance \
  --phases examples,fuzzing \
  --max-examples "$MAX_EXAMPLES" \
  --max-time "$MAX_TIME" \
  --request-timeout 20 \
  --seed "${API_FUZZ_SEED:-1}" \
  --header "Authorization: Token $TOKEN" \
  --no-color || status=$?

if [ "$status" -ne 0 ] && [ -s "$VAR_DIR/gunicorn.log" ]; then
  printf '\n--- server log ---\n'
  tail -n 80 "$VAR_DIR/gunicorn.log"
fi
exit "$status"
