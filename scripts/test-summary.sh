#!/usr/bin/env bash
# Prints "N passed, N failed, N skipped" over every surefire and failsafe report of the Maven modules
# given (directories holding a pom.xml); failed counts failures and errors. With --clean it deletes
# those reports instead, so a module that does not run next time counts nothing rather than its old results.
set -euo pipefail
cd "$(dirname "$0")/.."

clean=false
if [ "${1:-}" = "--clean" ]; then
  clean=true
  shift
fi

passed=0 failed=0 skipped=0
for module in "$@"; do
  for reports in "$module/target/surefire-reports" "$module/target/failsafe-reports"; do
    if $clean; then
      rm -rf "$reports"
      continue
    fi
    for xml in "$reports"/TEST-*.xml; do
      [ -f "$xml" ] || continue
      # The <testsuite ...> start tag carries the class's counts.
      tag=$(tr '\n' ' ' <"$xml" | grep -o '<testsuite [^>]*>' | head -n 1)
      count() { printf '%s' "$tag" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9][0-9]*' || echo 0; }
      tests=$(count tests) failures=$(count failures) errors=$(count errors) skips=$(count skipped)
      failed=$((failed + failures + errors))
      skipped=$((skipped + skips))
      passed=$((passed + tests - failures - errors - skips))
    done
  done
done
$clean || echo "$passed passed, $failed failed, $skipped skipped"
