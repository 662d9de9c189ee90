#!/usr/bin/env bash
# `make bench-analytics`: 10M events by COPY, rollup build, refresh cost, freshness lag, endpoint timings.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BENCH_DATABASE_URL:-}" ]; then
  scripts/pg-local.sh brain >/dev/null
  export BENCH_DATABASE_URL="jdbc:postgresql://127.0.0.1:${BRAIN_PG_PORT:-55432}/postgres?user=brain"
fi
mvn -B -q -Dstyle.color=never test-compile
mvn -B -q -Dstyle.color=never dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP=$(cat target/bench.classpath)
exec java -cp "target/test-classes:target/classes:$CP" dev.brain.bench.AnalyticsBench "$@"
