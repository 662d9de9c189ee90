package dev.brain.db;

import static dev.brain.support.Brain.json;
import static dev.brain.support.Brain.start;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brain.support.Brain;
import dev.brain.support.TestDb;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A 202 means committed: the brain's sessions commit synchronously whatever the server's default says. */
class DurableCommitTest {

    private static String setting(Connection c) throws Exception {
        try (var rs = c.createStatement().executeQuery("show synchronous_commit")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void a_database_that_defaults_to_asynchronous_commit_gets_synchronous_commits_from_the_brain() throws Exception {
        try (TestDb db = TestDb.create()) {
            try (Connection c = db.connect()) {
                c.createStatement().execute("alter database " + db.name() + " set synchronous_commit = off");
            }
            try (Connection plain = db.connect()) {
                assertEquals("off", setting(plain));
            }
            try (Brain brain = Brain.startOn(db, Map.of("BRAIN_DB_POOL_SIZE", "3"))) {
                String key = brain.newAgentKey("cust_durable", "agent_durable", "b");
                assertEquals(1, json(brain.post(key, start("durable"))).get("accepted").asInt());
                // Every connection of the pool that ingest writes through, held at once so none is the same twice.
                var ds = brain.server.db().dataSource();
                try (Connection a = ds.getConnection(); Connection b = ds.getConnection(); Connection c = ds.getConnection()) {
                    for (Connection pooled : new Connection[] {a, b, c}) {
                        assertEquals("on", setting(pooled));
                    }
                }
            }
        }
    }

    @Test
    void a_stronger_setting_chosen_by_the_operator_is_kept() throws Exception {
        try (TestDb db = TestDb.create()) {
            try (Connection c = db.connect()) {
                c.createStatement().execute("alter database " + db.name() + " set synchronous_commit = remote_apply");
            }
            try (Database pool = Database.open(db.config(), 1); Connection pooled = pool.dataSource().getConnection()) {
                assertEquals("remote_apply", setting(pooled));
            }
        }
    }
}
