package dev.brain.bench;

import java.sql.Connection;
import java.sql.DriverManager;

/** Bytes on disk per stored event: heap (with TOAST), indexes, and the idempotency table when there is one. */
record StorageBytes(long events, double heap, double indexes, double keys) {

    // Every relation that holds events (the partitioned table's partitions, or the one table) and event_keys when present.
    private static final String SQL = """
            with parts as (
              select relid from pg_partition_tree('events') where isleaf and relid <> 'events'::regclass
              union all
              select oid from pg_class where oid = 'events'::regclass and relkind = 'r'
            )
            select (select count(*) from events),
                   (select coalesce(sum(pg_table_size(relid)), 0) from parts),
                   (select coalesce(sum(pg_indexes_size(relid)), 0) from parts),
                   coalesce(pg_total_relation_size(to_regclass('event_keys')), 0)""";

    static StorageBytes of(String dbUrl) throws Exception {
        try (Connection c = DriverManager.getConnection(dbUrl); var s = c.createStatement()) {
            var rs = s.executeQuery(SQL);
            rs.next();
            long n = Math.max(1, rs.getLong(1));
            return new StorageBytes(rs.getLong(1), rs.getDouble(2) / n, rs.getDouble(3) / n, rs.getDouble(4) / n);
        }
    }

    double total() {
        return heap + indexes + keys;
    }

    String line() {
        return String.format("%,.0f bytes/event (heap %,.0f + indexes %,.0f + idempotency table %,.0f) over %,d events",
                total(), heap, indexes, keys, events);
    }
}
