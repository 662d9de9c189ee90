#!/usr/bin/env bash
# `make run`: a working brain on a local database, in the foreground until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/brain.jar
PORT=${BRAIN_PORT:-8080}

# A local admin token for the dashboard and analytics (32 random characters; the brain refuses fewer than 16),
# made once, unless you set your own.
if [ -z "${BRAIN_ADMIN_TOKEN:-}" ]; then
  mkdir -p .brain
  BRAIN_ADMIN_TOKEN=$(cat .brain/admin-token 2>/dev/null || true)
  if [ ${#BRAIN_ADMIN_TOKEN} -lt 16 ]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr '+/' '-_' > .brain/admin-token)
    BRAIN_ADMIN_TOKEN=$(cat .brain/admin-token)
  fi
fi
export BRAIN_ADMIN_TOKEN

if [ -z "${DATABASE_URL:-}" ]; then
  if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null 2>&1; then
    if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
      echo "No local PostgreSQL binaries; starting postgres + brain + metabase with docker compose." >&2
      exec docker compose up --build
    fi
    echo "PostgreSQL is not installed: run 'apt-get install -y postgresql' (Debian/Ubuntu) or set DATABASE_URL." >&2
    exit 1
  fi
  DATABASE_URL=$(scripts/pg-local.sh brain)
fi
export DATABASE_URL

java -jar "$JAR" migrate
KEY=$(java -jar "$JAR" admin demo ensure --key-file .brain/demo-key)
cat >&2 <<MSG

  Brain is starting on http://localhost:$PORT
  Demo customer cust_demo, agent agent_demo, key (also in .brain/demo-key):
    $KEY

  Send an event:
    curl -i -X POST http://localhost:$PORT/v1/events \\
      -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\
      -d '{"event_id":"'\$(cat /proc/sys/kernel/random/uuid)'","ts":"'\$(date -u +%FT%TZ)'","event_type":"session.start","session_id":"sess_1","payload":{"category":"email_reply"}}'

  OpenTelemetry (OTLP/HTTP, JSON or protobuf): POST /v1/logs /v1/metrics /v1/traces. Claude Code without hooks:
    CLAUDE_CODE_ENABLE_TELEMETRY=1 OTEL_LOGS_EXPORTER=otlp OTEL_METRICS_EXPORTER=otlp \\
    OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:$PORT \\
    OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer $KEY" OTEL_RESOURCE_ATTRIBUTES=brain.category=coding claude

  Dashboard (admin token in .brain/admin-token unless BRAIN_ADMIN_TOKEN is set):
    http://localhost:$PORT/dashboard#token=$BRAIN_ADMIN_TOKEN

  Ctrl-C stops the brain; the database keeps running (make db-stop stops it).

MSG
# The class-data archive made by `make build` halves start-up; without it the jar starts the same, slower.
CDS=()
[ -f target/brain.jsa ] && CDS=(-XX:SharedArchiveFile=target/brain.jsa -Xlog:cds=off -Xlog:cds+dynamic=off)
if [ -n "${BRAIN_DEMO_DAYS:-}" ]; then
  # make demo: serve in the background, send the demo customers through the public API once it is ready, stay in the foreground.
  java "${CDS[@]}" -jar "$JAR" serve &
  SERVER=$!
  trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER"' INT TERM
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  java -jar "$JAR" demo --days "$BRAIN_DEMO_DAYS" --url "http://127.0.0.1:$PORT" ${BRAIN_DEMO_FORCE:+--force true} || true
  echo "  Dashboard: http://localhost:$PORT/dashboard#token=$BRAIN_ADMIN_TOKEN   (Ctrl-C stops the brain)" >&2
  wait "$SERVER"
  exit
fi
exec java "${CDS[@]}" -jar "$JAR" serve
