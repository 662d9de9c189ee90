#!/usr/bin/env bash
# make test-cluster: two brain processes behind nginx (deploy/nginx.conf) on one PostgreSQL, four Java-SDK agents for
# 60 s, one brain SIGKILLed and restarted mid-run (src/test/java/dev/brain/cluster/TwoBrainsBehindNginxIT), then the
# throughput through nginx with one brain and with two. Takes a few minutes, hence not part of make test.
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a MVN <<<"${MVN:-mvn -B -q -Dstyle.color=never}"
if ! command -v nginx >/dev/null 2>&1 && ! [ -x /usr/sbin/nginx ]; then
  echo "nginx not found: install Debian's package (apt-get install -y nginx); .ci/run does" >&2
  exit 1
fi
export PATH="$PATH:/usr/sbin"
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  TEST_DATABASE_URL=$(scripts/pg-local.sh brain_test)
  export TEST_DATABASE_URL
fi
"${MVN[@]}" package -DskipTests
"${MVN[@]}" -f sdk/java/pom.xml package -DskipTests
"${MVN[@]}" test -Dtest=TwoBrainsBehindNginxIT -Dsurefire.failIfNoSpecifiedTests=false
cat target/cluster/throughput.txt
