package dev.brain.db;

import dev.brain.config.Resources;
import dev.brain.schedule.Job;
import dev.brain.schedule.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates monthly partitions of events ahead of time (moving any rows that fell into the default
 * partition), and enforces retention by dropping partitions entirely older than the horizon.
 * Runs under its advisory lock (see Scheduler), so concurrent brain instances take turns.
 */
public final class PartitionMaintenance implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionMaintenance.class);
    static final long LOCK_KEY = 0x62726169_6e000001L;
    private static final Pattern NAME = Pattern.compile("events_y(\\d{4})m(\\d{2})");
    private static final int DELETE_BATCH = 50_000;
    private static final String PARTITIONS_SQL = Resources.text("/db/queries/db/partitions.sql");
    private static final String LEFTOVER_MONTHS_SQL = Resources.text("/db/queries/db/leftover-months.sql");
    private static final String EXPIRE_KEYS_SQL = Resources.text("/db/queries/db/expire-event-keys.sql");

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration retention;
    private final int monthsAhead;
    private final Archive archive;

    public record Report(boolean ran, List<String> created, List<String> dropped, long keysDeleted) {
    }

    public PartitionMaintenance(Jdbi jdbi, Clock clock, Duration retention, int monthsAhead) {
        this(jdbi, clock, retention, monthsAhead, null);
    }

    /** With an archive (BRAIN_ARCHIVE_DIR), every month is written there and verified before it is deleted. */
    public PartitionMaintenance(Jdbi jdbi, Clock clock, Duration retention, int monthsAhead, Archive archive) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.retention = retention;
        this.monthsAhead = monthsAhead;
        this.archive = archive;
        if (archive == null) {
            LOG.info("retention: months older than {} days are dropped for good (BRAIN_ARCHIVE_DIR is not set)", retention.toDays());
        } else {
            LOG.info("retention: months older than {} days are archived to {} and verified, then dropped", retention.toDays(), archive.dir());
        }
    }

    @Override
    public String name() {
        return "partition-maintenance";
    }

    @Override
    public long lockKey() {
        return LOCK_KEY;
    }

    @Override
    public void run(Handle h) {
        Report r = maintain(h);
        if (!r.created().isEmpty() || !r.dropped().isEmpty()) {
            LOG.info("partitions created {} dropped {}; {} idempotency keys expired", r.created(), r.dropped(), r.keysDeleted());
        }
    }

    /** One run now, unless another instance is running it. */
    public Report runOnce() {
        return Scheduler.locked(jdbi, LOCK_KEY, this::maintain).orElse(new Report(false, List.of(), List.of(), 0));
    }

    private Report maintain(Handle h) {
        try {
            h.execute("set lock_timeout = '5s'");
            Instant horizon = clock.instant().minus(retention);
            YearMonth now = YearMonth.now(clock.withZone(ZoneOffset.UTC));
            YearMonth first = YearMonth.from(horizon.atZone(ZoneOffset.UTC));
            List<String> existing = partitions(h);
            List<String> created = new ArrayList<>();
            for (YearMonth m = first; !m.isAfter(now.plusMonths(monthsAhead)); m = m.plusMonths(1)) {
                String name = name(m);
                YearMonth month = m;
                if (!existing.contains(name) && start(m.plusMonths(1)).isAfter(horizon)) {
                    h.useTransaction(tx -> create(tx, name, month));
                    created.add(name);
                }
            }
            long[] keys = {0};
            List<String> dropped = archive == null ? dropForGood(h, existing, horizon, keys)
                    : archiveThenDrop(h, existing, YearMonth.from(horizon.atZone(ZoneOffset.UTC)), keys);
            return new Report(true, created, dropped, keys[0]);
        } finally {
            h.execute("reset lock_timeout");
        }
    }

    // The keys of a partition's events older than the horizon, deleted before its rows go: batches keep each delete brief,
    // and walking the partition's own primary key needs no index on event_keys.ts.
    private static long expireKeys(Handle h, String partition, Instant horizon) {
        long keys = 0;
        long after = Long.MIN_VALUE;
        while (true) {
            var batch = h.createQuery(EXPIRE_KEYS_SQL).define("partition", partition)
                    .bind("after", after).bind("h", horizon).bind("n", DELETE_BATCH).mapToMap().one();
            if (batch.get("last_id") == null) {
                return keys;
            }
            after = ((Number) batch.get("last_id")).longValue();
            keys += ((Number) batch.get("keys")).longValue();
        }
    }

    private List<String> dropForGood(Handle h, List<String> existing, Instant horizon, long[] keys) {
        List<String> dropped = new ArrayList<>();
        if (h.createQuery("select exists (select 1 from archived_months)").mapTo(Boolean.class).one()) {
            LOG.warn("retention: this database's months were archived before; not dropping anything without BRAIN_ARCHIVE_DIR");
            return dropped;
        }
        for (String name : existing) {
            YearMonth m = month(name);
            if (m != null && !start(m.plusMonths(1)).isAfter(horizon)) {
                keys[0] += expireKeys(h, name, horizon);
                h.execute("drop table " + name);
                dropped.add(name);
            }
        }
        keys[0] += expireKeys(h, "events_default", horizon);
        h.createUpdate("delete from events_default where ts < :h").bind("h", horizon).execute();
        h.createUpdate("delete from rejected_events where rejected_at < :h").bind("h", horizon).execute();
        return dropped;
    }

    // Whole months only: rows of the month the horizon falls in stay until that month is archived whole.
    private List<String> archiveThenDrop(Handle h, List<String> existing, YearMonth firstKept, long[] keys) {
        Set<YearMonth> expired = new TreeSet<>();
        existing.stream().map(PartitionMaintenance::month).filter(m -> m != null && m.isBefore(firstKept)).forEach(expired::add);
        h.createQuery(LEFTOVER_MONTHS_SQL).bind("kept", start(firstKept)).mapTo(java.time.LocalDate.class)
                .forEach(d -> expired.add(YearMonth.from(d)));
        List<String> dropped = new ArrayList<>();
        for (YearMonth m : expired) {
            String name = name(m);
            boolean partition = existing.contains(name);
            h.useTransaction(tx -> {
                if (!partition && tx.createQuery("select exists (select 1 from archived_months where month = :m)")
                        .bind("m", m.atDay(1)).mapTo(Boolean.class).one()) {
                    LOG.warn("retention: rows of {} arrived after it was archived; kept, not archived over the earlier archive", m);
                    return;
                }
                if (partition) {
                    tx.execute("lock table " + name + " in share mode");
                }
                Archive.Manifest manifest = archive.write(tx, m);
                if (partition) {
                    keys[0] += expireKeys(tx, name, start(m.plusMonths(1)));
                    tx.execute("drop table " + name);
                }
                keys[0] += expireKeys(tx, "events_default", start(m.plusMonths(1)));
                tx.createUpdate("delete from events_default where ts >= :lo and ts < :hi").bind("lo", start(m)).bind("hi", start(m.plusMonths(1))).execute();
                tx.createUpdate("delete from rejected_events where rejected_at >= :lo and rejected_at < :hi")
                        .bind("lo", start(m)).bind("hi", start(m.plusMonths(1))).execute();
                LOG.info("retention: archived {} ({} events, {} rejected) to {}, then dropped it", m, manifest.rows("events"),
                        manifest.rows("rejected_events"), archive.dir());
            });
            dropped.add(name);
        }
        return dropped;
    }

    private static YearMonth month(String partition) {
        Matcher mm = NAME.matcher(partition);
        return mm.matches() ? YearMonth.of(Integer.parseInt(mm.group(1)), Integer.parseInt(mm.group(2))) : null;
    }

    // Built beside the table, filled from the default partition, then attached: never refused for rows already there.
    // Readers and writers wait for the few milliseconds this takes: no insert lands in the default partition
    // mid-move, and no query planned before the attach misses the rows that moved.
    private static void create(Handle h, String name, YearMonth m) {
        Instant lo = start(m);
        Instant hi = start(m.plusMonths(1));
        h.execute("lock table events in access exclusive mode");
        h.execute("create table " + name + " (like events including defaults including constraints)");
        h.createUpdate("insert into " + name + " select * from events_default where ts >= :lo and ts < :hi")
                .bind("lo", lo).bind("hi", hi).execute();
        h.createUpdate("delete from events_default where ts >= :lo and ts < :hi").bind("lo", lo).bind("hi", hi).execute();
        h.execute("alter table events attach partition " + name + " for values from ('" + lo + "') to ('" + hi + "')");
    }

    public static List<String> partitions(Handle h) {
        return h.createQuery(PARTITIONS_SQL).mapTo(String.class).list();
    }

    static String name(YearMonth m) {
        return String.format("events_y%04dm%02d", m.getYear(), m.getMonthValue());
    }

    private static Instant start(YearMonth m) {
        return LocalDate.of(m.getYear(), m.getMonth(), 1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
