package dev.brain.bench;

import dev.brain.config.Resources;
import dev.brain.db.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Random;

/**
 * The ceiling issue 16 sets ingest against: batched JDBC `INSERT ... ON CONFLICT (event_id) DO NOTHING` into the
 * seed's schema (one table, its four indexes, a unique index on event_id), the same rows as the HTTP run, autocommit
 * (one statement, one commit) under the server's synchronous_commit.
 */
final class SeedCeiling {
    private static final String DDL = Resources.text("/bench/seed-schema.sql");
    private static final int BATCH = 100;

    static void create(String dbUrl) throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl); var s = c.createStatement()) {
            s.execute(DDL);
        }
    }

    static IngestBench.JdbcResult run(String dbUrl, int threads, int warmup, int seconds) throws Exception {
        var sql = new StringBuilder("insert into events (event_id, ts, event_type, session_id, payload, customer_id, agent_id) values ");
        for (int i = 0; i < BATCH; i++) {
            sql.append(i == 0 ? "" : ",").append("(cast(? as uuid), cast(? as timestamptz), ?, ?, cast(? as jsonb), ?, ?)");
        }
        String insert = sql.append(" on conflict (event_id) do nothing").toString();
        return Writers.run(threads, warmup, seconds, thread -> {
            Connection c = DriverManager.getConnection(dbUrl);
            // Commits as durable as the brain's own (db/Database raises synchronous_commit = off to on).
            c.createStatement().execute(Database.DURABLE_COMMITS);
            PreparedStatement ps = c.prepareStatement(insert);
            Random rnd = new Random();
            String agent = "agent_bench_" + thread;
            return () -> {
                int p = 1;
                for (int k = 0; k < BATCH; k++) {
                    for (String part : IngestBench.eventParts(rnd)) {
                        ps.setString(p++, part);
                    }
                    ps.setString(p++, "cust_bench");
                    ps.setString(p++, agent);
                }
                return ps.executeUpdate();
            };
        });
    }

    private SeedCeiling() {
    }
}
