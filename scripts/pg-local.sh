#!/usr/bin/env bash
# Starts (or reuses) a project-local PostgreSQL under .pgdata, as an unprivileged user.
# Prints nothing on stdout except, with --url, the JDBC URL of the database named in $1 (default brain).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PGPORT=${BRAIN_PG_PORT:-55432}
DATA=${BRAIN_PG_DATA:-"$ROOT/.pgdata"}
DB=${1:-brain}

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
  if command -v pg_ctl >/dev/null 2>&1; then PGBIN=$(dirname "$(command -v pg_ctl)"); else
    echo "PostgreSQL server binaries not found: install them (Debian: apt-get install -y postgresql) or set DATABASE_URL." >&2
    exit 1
  fi
fi

# PostgreSQL refuses to run as root: run it as the owner of .pgdata (postgres when we are root).
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --no-create-home --shell /usr/sbin/nologin postgres
fi
# When the checkout is not reachable by the postgres user (e.g. under /root), keep the data in /var/tmp.
if [ "$(id -u)" = 0 ] && [ -z "${BRAIN_PG_DATA:-}" ] && ! runuser -u postgres -- test -x "$ROOT"; then
  DATA="/var/tmp/brain-pgdata-$(printf '%s' "$ROOT" | md5sum | cut -c1-8)"
fi

if [ "$DB" = "--stop" ]; then
  [ -s "$DATA/PG_VERSION" ] && as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
  exit 0
fi

if [ ! -s "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"
  [ "$(id -u)" = 0 ] && chown postgres "$DATA"
  chmod 700 "$DATA"
  as_owner "$PGBIN/initdb" -D "$DATA" -U brain --auth=trust -E UTF8 --locale=C.UTF-8 >"$ROOT/.pgdata.init.log" 2>&1 \
    || { cat "$ROOT/.pgdata.init.log" >&2; exit 1; }
  # PostgreSQL's durability defaults stay: the brain acknowledges an event only once it is committed
  # (and raises a synchronous_commit = off it finds to on for its own sessions, see db/Database).
  cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$DATA'
max_connections = 200
shared_buffers = 256MB
fsync = on
# Checkpoint spacing, not durability: at 1GB (the default) sustained ingest checkpointed every ~20 s and
# each checkpoint restarts full-page images in the WAL; 4GB lets checkpoint_timeout (5 min) pace them.
max_wal_size = 4GB
CONF
fi

if ! as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 start >/dev/null \
    || { tail -n 20 "$DATA/server.log" >&2; exit 1; }
fi

if ! "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U brain -d postgres -tAc "select 1 from pg_database where datname='$DB'" | grep -q 1; then
  "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U brain "$DB"
fi
echo "jdbc:postgresql://127.0.0.1:$PGPORT/$DB?user=brain"
