package dev.brain.hook;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * The hook's configuration, from the environment (Claude Code passes its own to hooks). The SDK
 * is handed the key and endpoint explicitly, so a training run can point it elsewhere.
 *
 * @param apiKey     {@code BRAIN_API_KEY}; without one the hook records nothing
 * @param endpoint   {@code BRAIN_ENDPOINT}, or null for the SDK's default
 * @param home       where state lives ({@link #stateDir}): the SDK's spool below it, session logs in {@code sessions/}
 * @param category   {@code BRAIN_CATEGORY}, or null for the project folder's name
 * @param endBudget  how long {@code SessionEnd} may take, counted from {@code main} (the JVM's own start comes on top)
 * @param startBudget the same for {@code SessionStart}
 * @param staleAfter a session log untouched this long is ended by the next {@code SessionStart}, owner alive or not
 */
record Settings(String apiKey, String endpoint, Path home, String category, Duration endBudget, Duration startBudget,
                Duration staleAfter, String pricesFile) {

    static Settings from(Function<String, String> env) {
        return new Settings(blankToNull(env.apply("BRAIN_API_KEY")), blankToNull(env.apply("BRAIN_ENDPOINT")), stateDir(env),
                blankToNull(env.apply("BRAIN_CATEGORY")),
                Duration.ofMillis(number(env.apply("BRAIN_HOOK_END_BUDGET_MS"), 1000)),
                Duration.ofMillis(number(env.apply("BRAIN_HOOK_START_BUDGET_MS"), 1000)),
                Duration.ofHours(number(env.apply("BRAIN_HOOK_STALE_HOURS"), 24)),
                env.apply("BRAIN_HOOK_PRICES"));
    }

    /**
     * {@code BRAIN_SPOOL_DIR}, else {@code $XDG_CACHE_HOME/brain-hook}, else {@code $HOME/.cache/brain-hook}; the JVM's
     * {@code user.home} (from the password database, blind to {@code HOME}) only when {@code HOME} is unset.
     */
    static Path stateDir(Function<String, String> env) {
        String spool = blankToNull(env.apply("BRAIN_SPOOL_DIR"));
        if (spool != null) {
            return Path.of(spool);
        }
        // The XDG spec says a relative value is invalid and must be ignored.
        String cache = blankToNull(env.apply("XDG_CACHE_HOME"));
        if (cache != null && Path.of(cache).isAbsolute()) {
            return Path.of(cache, "brain-hook");
        }
        String home = blankToNull(env.apply("HOME"));
        return Path.of(home != null ? home : System.getProperty("user.home"), ".cache", "brain-hook");
    }

    boolean enabled() {
        return apiKey != null;
    }

    Path sessions() {
        return home.resolve("sessions");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static long number(String value, long fallback) {
        try {
            return value == null || value.isBlank() ? fallback : Math.max(0, Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            Debug.log("not a number: '" + value + "'; using " + fallback);
            return fallback;
        }
    }
}
