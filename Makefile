# Brain: `make run` for a working brain on a local database, `make test` for the whole suite.
SHELL := /bin/bash
MVN   := mvn -B -q -Dstyle.color=never
JAR   := target/brain.jar

.PHONY: build run test bench bench-sdk bench-redaction bench-analytics db db-stop clean

build:                ## the jars, no tests, and the class-data archive that halves start-up
	$(MVN) package -DskipTests
	@rm -f target/brain.jsa && BRAIN_LOG_LEVEL=off java -XX:ArchiveClassesAtExit=target/brain.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
	  -jar $(JAR) cds-training >/dev/null 2>&1 || echo "(no class-data archive: start-up is slower, nothing else changes)" >&2
	@if [ -f sdk/pom.xml ]; then $(MVN) -f sdk/pom.xml install -DskipTests; fi
	@if [ -f hooks/pom.xml ]; then $(MVN) -f hooks/pom.xml package -DskipTests; fi

run: build            ## local PostgreSQL (unless DATABASE_URL is set), migrate, demo key, serve
	@scripts/run.sh

test:                 ## every test, against a real PostgreSQL (TEST_DATABASE_URL or the project-local one); last line: N passed, N failed, N skipped
	@MVN="$(MVN)" scripts/test.sh

bench: build          ## ingest load generator: HTTP path vs the direct JDBC ceiling; granular vs session events (issue 12)
	@scripts/bench.sh IngestBench
	@scripts/bench.sh DialectsBench

bench-sdk: build      ## SDK: ns and bytes per recording call, heap with a dead endpoint
	@$(MVN) -f sdk/pom.xml test-compile && java -cp sdk/target/classes:sdk/target/test-classes dev.brain.sdk.bench.SdkBench 30

bench-redaction: build  ## redaction throughput with a 300 ms stand-in Anthropic; ingest p99 with a slow redactor
	@scripts/bench.sh RedactionBench

bench-analytics:      ## 10M events by COPY, rollup build and refresh cost, freshness lag, every analytics endpoint timed
	@scripts/bench-analytics.sh

db:                   ## start (or reuse) the project-local PostgreSQL and print its URL
	@scripts/pg-local.sh brain

db-stop:
	@scripts/pg-local.sh --stop

clean:
	$(MVN) clean
