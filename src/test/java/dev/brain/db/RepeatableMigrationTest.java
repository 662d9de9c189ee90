package dev.brain.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.support.TestDb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The analytics questions live in a repeatable migration: applied on upgrade, re-applied when edited, never rolled back. */
class RepeatableMigrationTest {
    private static final String SCRIPT = "R__analytics.sql";

    // Every function and view of schema analytics, with its grants: what the reader and the API see.
    private static final String DEFINITIONS = """
            select p.proname || ' ' || pg_get_functiondef(p.oid) || ' ' || coalesce(p.proacl::text, '')
            from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'analytics'
            union all
            select c.relname || ' ' || coalesce(pg_get_viewdef(c.oid), '') || ' ' || coalesce(c.relacl::text, '')
            from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'analytics'
            order by 1""";

    @Test
    void a_database_upgraded_from_v6_ends_with_the_definitions_of_a_fresh_one(@TempDir Path v6) throws Exception {
        // The versioned migrations alone, as a database installed before the repeatable one existed has them.
        try (Stream<Path> files = Files.list(Path.of(getClass().getClassLoader().getResource(Migrations.LOCATION).toURI()))) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("V")).toList()) {
                Files.copy(f, v6.resolve(f.getFileName()));
            }
        }
        try (TestDb fresh = TestDb.create(); TestDb upgraded = TestDb.create();
             Database freshDb = Database.open(fresh.config(), 2); Database upgradedDb = Database.open(upgraded.config(), 2)) {
            freshDb.migrate();
            Flyway.configure().dataSource(upgraded.url(), null, null).locations("filesystem:" + v6).load().migrate();

            assertEquals(Set.of(SCRIPT), upgradedDb.pendingMigrations());
            assertEquals(1, upgradedDb.migrate());
            assertEquals(Set.of(), upgradedDb.pendingMigrations());
            assertEquals(0, upgradedDb.migrate());
            assertEquals(Set.of(), freshDb.pendingMigrations());
            List<String> expected = definitions(fresh);
            assertTrue(expected.size() > 20, "the analytics functions and views exist: " + expected.size());
            assertEquals(expected, definitions(upgraded));
        }
    }

    @Test
    void an_edited_repeatable_migration_is_pending_and_applied_to_an_existing_database() throws Exception {
        try (TestDb db = TestDb.create(); Database database = Database.open(db.config(), 2)) {
            database.migrate();
            List<String> current = definitions(db);
            // The state a database is in after the previous text of the file: another body, another checksum.
            try (Connection c = db.connect(); var s = c.createStatement()) {
                s.execute("""
                        create or replace function analytics.categories(days int default 30, customer text default null)
                          returns table (customer_id text, category text, sessions bigint)
                          language sql stable security definer set search_path = public, pg_temp
                          begin atomic select null::text, null::text, 0::bigint where false; end""");
                s.execute("update flyway_schema_history set checksum = checksum + 1 where script = '" + SCRIPT + "'");
            }
            assertNotEquals(current, definitions(db));

            assertEquals(Set.of(SCRIPT), database.pendingMigrations());
            assertEquals(1, database.migrate());
            assertEquals(current, definitions(db));
            assertEquals(Set.of(), database.pendingMigrations());
        }
    }

    @Test
    void a_text_superseded_by_a_newer_build_is_not_pending_so_an_older_instance_never_puts_it_back() throws Exception {
        try (TestDb db = TestDb.create(); Database database = Database.open(db.config(), 2)) {
            database.migrate();
            // A newer build applied its own text of the file after this one's.
            try (Connection c = db.connect(); var s = c.createStatement()) {
                s.execute("""
                        insert into flyway_schema_history
                          (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)
                        select max(installed_rank) + 1, null, 'analytics', 'SQL', '%s', 12345, current_user, 1, true
                        from flyway_schema_history""".formatted(SCRIPT));
            }
            assertEquals(Set.of(), database.pendingMigrations());
            assertEquals(0, database.migrate());
        }
    }

    private static List<String> definitions(TestDb db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); var rs = c.createStatement().executeQuery(DEFINITIONS)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
