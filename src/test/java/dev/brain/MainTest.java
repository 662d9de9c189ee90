package dev.brain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brain.config.Config;
import dev.brain.config.ConfigException;
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
        assertThrows(ConfigException.class, () -> Config.jdbcUrl("mysql://x/y"));
    }

    @Test
    void settings_are_validated_with_the_variable_named() {
        var e = assertThrows(ConfigException.class, () -> Config.from(Map.of("BRAIN_PORT", "eighty")));
        assertEquals("BRAIN_PORT must be a number, got 'eighty'", e.getMessage());
        assertThrows(ConfigException.class, () -> Config.from(Map.of("BRAIN_RETENTION_DAYS", "0")));
        assertThrows(ConfigException.class, () -> Config.from(Map.of("BRAIN_MIGRATE", "perhaps")));
        assertEquals(400, Config.from(Map.of()).retentionDays());
        assertEquals(8080, Config.from(Map.of()).port());
    }

    @Test
    void passwords_are_not_printed() {
        assertEquals("jdbc:postgresql://h/db?user=u&password=***", Main.redacted("jdbc:postgresql://h/db?user=u&password=hunter2"));
    }
}
