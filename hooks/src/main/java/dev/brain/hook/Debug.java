package dev.brain.hook;

/** The hook's own diagnostics: stderr when {@code BRAIN_HOOK_DEBUG} is set, otherwise nothing. */
final class Debug {
    static final boolean ON = System.getenv("BRAIN_HOOK_DEBUG") != null && !System.getenv("BRAIN_HOOK_DEBUG").isBlank();

    private Debug() {
    }

    static void log(String message) {
        if (ON) {
            System.err.println("[brain-hook] " + message);
        }
    }
}
