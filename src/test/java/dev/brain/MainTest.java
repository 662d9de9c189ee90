package dev.brain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.config.Config;
import dev.brain.error.InvalidConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void bad_commands_exit_2() {
        assertEquals(2, Main.run(new String[] {"frobnicate"}));
        assertEquals(2, Main.run(new String[] {"admin"}));
        assertEquals(2, Main.run(new String[] {"serve", "extra"}));
    }

    @Test
    void postgres_urls_become_jdbc_urls() {
        assertEquals("jdbc:postgresql://db.example:5433/brain?user=alice&password=p%40ss%3Aword",
                Config.jdbcUrl("postgres://alice:p%40ss%3Aword@db.example:5433/brain"));
        assertEquals("jdbc:postgresql://h/postgres?sslmode=require&user=u", Config.jdbcUrl("postgresql://u@h?sslmode=require"));
        assertEquals("jdbc:postgresql://x/y", Config.jdbcUrl("jdbc:postgresql://x/y"));
        assertThrows(InvalidConfig.class, () -> Config.jdbcUrl("mysql://x/y"));
    }

    @Test
    void settings_are_validated_with_the_variable_named() {
        var e = assertThrows(InvalidConfig.class, () -> Config.from(Map.of("BRAIN_PORT", "eighty")));
        assertEquals("BRAIN_PORT must be a number, got 'eighty'", e.getMessage());
        assertThrows(InvalidConfig.class, () -> Config.from(Map.of("BRAIN_RETENTION_DAYS", "0")));
        assertThrows(InvalidConfig.class, () -> Config.from(Map.of("BRAIN_MIGRATE", "perhaps")));
        assertEquals(400, Config.from(Map.of()).retentionDays());
        assertEquals(8080, Config.from(Map.of()).port());
    }

    @Test
    void a_short_or_well_known_admin_token_stops_start_up_naming_the_variable() {
        for (String weak : new String[] {"change-me", "changeme", "CHANGE_ME", "admin", "password", "secret", "token", "test",
                "reader", "k3J9x-7Qp", "aaaaaaaaaaaaaaaaaaaaaaaa", "change-me-change-me"}) {
            var e = assertThrows(InvalidConfig.class, () -> Config.from(Map.of("BRAIN_ADMIN_TOKEN", weak)), weak);
            assertTrue(e.getMessage().startsWith("BRAIN_ADMIN_TOKEN "), e.getMessage());
        }
        var e = assertThrows(InvalidConfig.class, () -> Config.from(Map.of("BRAIN_ADMIN_TOKEN", "k3J9x-7Qp")));
        assertFalse(e.getMessage().contains("k3J9x-7Qp"), "the message must not echo the secret: " + e.getMessage());
        var many = assertThrows(InvalidConfig.class, () -> Config.from(Map.of("BRAIN_ADMIN_TOKENS", "alice=changemechangeme")));
        assertTrue(many.getMessage().startsWith("BRAIN_ADMIN_TOKENS: the token for 'alice'"), many.getMessage());
        assertEquals("test-admin-token-0123456789",
                Config.from(Map.of("BRAIN_ADMIN_TOKEN", "test-admin-token-0123456789")).adminTokens().get("admin"));
        assertEquals(Map.of(), Config.from(Map.of()).adminTokens(), "no token: admin HTTP stays off");
    }

    @Test
    void passwords_are_not_printed() {
        assertEquals("jdbc:postgresql://h/db?user=u&password=***", Main.redacted("jdbc:postgresql://h/db?user=u&password=hunter2"));
    }
}
