package dev.brain.report;

import dev.brain.schedule.Job;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import org.jdbi.v3.core.Handle;

/**
 * Every Monday from BRAIN_REPORT_HOUR_UTC: the last week's digest to the configured sinks, once per week across
 * instances (the scheduler's advisory lock, and a report_weeks row written after a delivery that succeeded).
 */
public final class WeeklyReportJob implements Job {
    static final long LOCK_KEY = 0x62726169_6e000015L;
    private final WeeklyDigest digest;
    private final ReportSinks sinks;
    private final Clock clock;
    private final int hourUtc;

    public WeeklyReportJob(WeeklyDigest digest, ReportSinks sinks, Clock clock, int hourUtc) {
        this.digest = digest;
        this.sinks = sinks;
        this.clock = clock;
        this.hourUtc = hourUtc;
    }

    @Override
    public String name() {
        return "weekly-report";
    }

    @Override
    public long lockKey() {
        return LOCK_KEY;
    }

    @Override
    public void run(Handle h) {
        ZonedDateTime now = ZonedDateTime.now(clock.withZone(ZoneOffset.UTC));
        LocalDate monday = now.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        if (now.isBefore(monday.atTime(hourUtc, 0).atZone(ZoneOffset.UTC))) {
            return;
        }
        LocalDate week = monday.minusDays(7);
        boolean sent = h.createQuery("select exists (select 1 from report_weeks where week = :week)").bind("week", week)
                .mapTo(Boolean.class).one();
        if (sent) {
            return;
        }
        String where = sinks.deliver(digest.build(monday, null));
        h.createUpdate("insert into report_weeks (week, sinks) values (:week, :sinks) on conflict (week) do nothing")
                .bind("week", week).bind("sinks", where).execute();
    }
}
