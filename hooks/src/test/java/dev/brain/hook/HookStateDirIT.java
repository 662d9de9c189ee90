package dev.brain.hook;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the packaged hook keeps its state (session logs and the spool): {@code BRAIN_SPOOL_DIR}, else
 * {@code $XDG_CACHE_HOME/brain-hook}, else {@code $HOME/.cache/brain-hook}; the JVM's {@code user.home}
 * (which the JVM takes from the password database, not from {@code HOME}) only when {@code HOME} is unset.
 */
class HookStateDirIT {
    @TempDir
    Path dir;

    @BeforeAll
    static void jar() {
        HookRunner.jar();
    }

    /** Every variable that decides the directory starts unset; user.home points into the test's directory. */
    private HookRunner hook() {
        // Port 9 (discard) has no listener here: the session.start stays in the spool, and a 0 ms budget means no wait for it.
        return new HookRunner(Map.of("BRAIN_API_KEY", "brain_state_dir_test", "BRAIN_ENDPOINT", "http://127.0.0.1:9",
                "BRAIN_HOOK_START_BUDGET_MS", "0"))
                .unset("HOME").unset("XDG_CACHE_HOME").jvm("-Duser.home=" + userHome());
    }

    private Path userHome() {
        return dir.resolve("user-home");
    }

    private Path home() {
        return dir.resolve("home");
    }

    /** One SessionStart: it writes a session log and spools its event. */
    private String sessionStart(HookRunner hook) throws Exception {
        String session = UUID.randomUUID().toString();
        HookRunner.Result r = hook.run(HookProcessIT.payload(session, dir.resolve(session + ".jsonl"), "SessionStart",
                "\"source\":\"startup\""));
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("", r.stdout());
        return session;
    }

    private static void assertStateIn(Path state, String session) throws IOException {
        assertTrue(Files.isRegularFile(state.resolve("sessions").resolve(session + ".log")), "no session log under " + state);
        try (Stream<Path> files = Files.walk(state)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".jsonl")), "no spooled event under " + state);
        }
    }

    @Test
    void with_another_home_the_state_lands_under_that_home_and_not_under_user_home() throws Exception {
        String session = sessionStart(hook().env("HOME", home().toString()));
        assertStateIn(home().resolve(".cache").resolve("brain-hook"), session);
        assertFalse(Files.exists(userHome()), "nothing under user.home");
    }

    @Test
    void xdg_cache_home_comes_before_home_and_a_relative_one_is_ignored() throws Exception {
        Path xdg = dir.resolve("xdg-cache");
        String session = sessionStart(hook().env("HOME", home().toString()).env("XDG_CACHE_HOME", xdg.toString()));
        assertStateIn(xdg.resolve("brain-hook"), session);
        assertFalse(Files.exists(home()), "nothing under HOME");
        assertFalse(Files.exists(userHome()), "nothing under user.home");

        // The XDG spec: a relative path is invalid and ignored.
        String next = sessionStart(hook().env("HOME", home().toString()).env("XDG_CACHE_HOME", "relative-cache"));
        assertStateIn(home().resolve(".cache").resolve("brain-hook"), next);
        assertFalse(Files.exists(Path.of("relative-cache")), "nothing relative to the working directory");
    }

    @Test
    void brain_spool_dir_comes_before_xdg_cache_home_and_home() throws Exception {
        Path spool = dir.resolve("spool");
        String session = sessionStart(hook().env("BRAIN_SPOOL_DIR", spool.toString())
                .env("XDG_CACHE_HOME", dir.resolve("xdg-cache").toString()).env("HOME", home().toString()));
        assertStateIn(spool, session);
        assertFalse(Files.exists(dir.resolve("xdg-cache")), "nothing under XDG_CACHE_HOME");
        assertFalse(Files.exists(home()), "nothing under HOME");
        assertFalse(Files.exists(userHome()), "nothing under user.home");
    }

    @Test
    void without_home_the_jvm_user_home_is_the_last_resort() throws Exception {
        String session = sessionStart(hook());
        assertStateIn(userHome().resolve(".cache").resolve("brain-hook"), session);
    }
}
