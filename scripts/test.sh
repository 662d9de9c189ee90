#!/usr/bin/env bash
# make test: the server's tests, the Java and Python SDKs' (unit and end-to-end) and the hook's, against a real
# PostgreSQL, then one last line over all of them: "N passed, N failed, N skipped". A module whose tests fail does not
# stop the next one; the exit status is non-zero when any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
read -r -a MVN <<<"${MVN:-mvn -B -q -Dstyle.color=never}"

modules=(.)
[ -f sdk/java/pom.xml ] && modules+=(sdk/java)
[ -f sdk/python/pyproject.toml ] && modules+=(sdk/python)
[ -f hooks/pom.xml ] && modules+=(hooks)
# Last run's reports would be counted for a module that does not run this time.
scripts/test-summary.sh --clean "${modules[@]}"

status=0
notes=()

# Runs a module's Maven build; a failure its test reports do not show (compilation, a crashed fork) gets a note.
run() {
  local module=$1
  shift
  if ! "${MVN[@]}" "$@"; then
    status=1
    case "$(scripts/test-summary.sh "$module")" in
      *", 0 failed,"*) notes+=("${module/#./server}: mvn $* failed outside the tests (see its output above)") ;;
    esac
    return 1
  fi
}

finish() {
  # Maven 3.8 ends even a quiet build with colour resets and no newline: the summary gets a line of its own.
  echo
  [ ${#notes[@]} -eq 0 ] || printf '%s\n' "${notes[@]}"
  scripts/test-summary.sh "${modules[@]}"
  exit "$status"
}

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  TEST_DATABASE_URL=$(scripts/pg-local.sh brain_test) || { status=1; notes+=("no PostgreSQL: nothing ran"); finish; }
fi
export TEST_DATABASE_URL

# The jar first: the SDK's and the hook's end-to-end tests start it as a child process.
run . package -DskipTests || finish
run . test

if [ -f sdk/java/pom.xml ]; then
  if [ -z "${BRAIN_SDK_TEST_DATABASE_URL:-}" ]; then
    BRAIN_SDK_TEST_DATABASE_URL=$(scripts/pg-local.sh brain_sdk_test) || { status=1; notes+=("no PostgreSQL for the SDK"); finish; }
  fi
  export BRAIN_SDK_TEST_DATABASE_URL
  # install also publishes the test jar the hook's tests use; after failed tests, publish without them.
  run sdk/java -f sdk/java/pom.xml install || run sdk/java -f sdk/java/pom.xml install -DskipTests || finish
fi

# The Python SDK: stdlib unittest, its end-to-end tests on the same jar and PostgreSQL; it writes a surefire-style report.
if [ -f sdk/python/pyproject.toml ]; then
  if ! "${PYTHON:-python3}" sdk/python/tests/run.py; then
    status=1
    case "$(scripts/test-summary.sh sdk/python)" in
      *", 0 failed,"*) notes+=("sdk/python: the test runner failed outside the tests (see its output above)") ;;
    esac
  fi
fi

if [ -f hooks/pom.xml ]; then
  run hooks -f hooks/pom.xml verify
fi
finish
