# Brain: `make run` for a working brain on a local database, `make test` for the whole suite.
SHELL := /bin/bash
MVN   := mvn -B -q -Dstyle.color=never
JAR   := target/brain.jar

.PHONY: build run demo test test-cluster bench bench-sdk bench-redaction bench-analytics bench-alerts bench-otlp db db-stop clean

build:                ## the jars, no tests, and the class-data archive that halves start-up
	$(MVN) package -DskipTests
	@rm -f target/brain.jsa && BRAIN_LOG_LEVEL=off java -XX:ArchiveClassesAtExit=target/brain.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
	  -jar $(JAR) cds-training >/dev/null 2>&1 || echo "(no class-data archive: start-up is slower, nothing else changes)" >&2
	@if [ -f sdk/java/pom.xml ]; then $(MVN) -f sdk/java/pom.xml install -DskipTests; fi
	@if [ -f hooks/pom.xml ]; then $(MVN) -f hooks/pom.xml package -DskipTests; fi

run: build            ## local PostgreSQL (unless DATABASE_URL is set), migrate, demo key, serve
	@scripts/run.sh

demo: build           ## make run, plus 30 days of eight demo customers sent through the public API (BRAIN_DEMO_FORCE=1 next to real data)
	@BRAIN_DEMO_DAYS=$${BRAIN_DEMO_DAYS:-30} scripts/run.sh

test:                 ## every test, against a real PostgreSQL (TEST_DATABASE_URL or the project-local one); last line: N passed, N failed, N skipped
	@MVN="$(MVN)" scripts/test.sh

test-cluster:         ## two brains behind nginx, SDK agents for 60 s, one brain SIGKILLed mid-run; throughput with one and two brains
	@MVN="$(MVN)" scripts/test-cluster.sh

bench: build          ## ingest load generator: HTTP path vs the direct JDBC ceiling; granular vs session events (issue 12)
	@scripts/bench.sh IngestBench
	@scripts/bench.sh DialectsBench

bench-sdk: build      ## both SDKs side by side: cost per recording call, RSS at 20k events/s into a dead endpoint, events/s into a local brain
	@$(MVN) -f sdk/java/pom.xml test-compile && $${PYTHON:-python3} sdk/python/bench/bench.py 60 20000

bench-redaction: build  ## redaction throughput with a 300 ms stand-in Anthropic; ingest p99 with a slow redactor
	@scripts/bench.sh RedactionBench

bench-otlp: build     ## OTLP log exports (protobuf, JSON; 512 records) vs /v1/events in one run; closing 10,000 idle sessions
	@scripts/bench.sh OtlpBench

bench-analytics:      ## 10M events by COPY, rollup build and refresh cost, freshness lag, every analytics endpoint timed
	@scripts/bench-analytics.sh

bench-alerts:         ## every alert rule over 500 customers x 10 agents x 90 days of rollups; ingest throughput beside it
	@scripts/bench.sh AlertsBench

db:                   ## start (or reuse) the project-local PostgreSQL and print its URL
	@scripts/pg-local.sh brain

db-stop:
	@scripts/pg-local.sh --stop

clean:
	$(MVN) clean
