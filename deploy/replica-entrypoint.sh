#!/bin/sh
# The replica: on first start, copy the primary with pg_basebackup -R (a streaming standby), then run as a hot
# standby. Later starts resume streaming from where the copy left off.
set -eu
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h primary -U "$POSTGRES_USER"; do sleep 1; done
  mkdir -p "$PGDATA" && chown postgres "$PGDATA" && chmod 700 "$PGDATA"
  PGPASSWORD="$REPLICATION_PASSWORD" gosu postgres pg_basebackup -h primary -U replicator -D "$PGDATA" -R -X stream \
    -C -S replica1 --checkpoint=fast
fi
exec gosu postgres postgres -c hot_standby=on -c hot_standby_feedback=on
