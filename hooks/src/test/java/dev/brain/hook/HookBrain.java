package dev.brain.hook;

import dev.brain.sdk.e2e.RealBrain;

/** The hook's tests use the SDK's real-brain helper with a tier-c customer, so summary_raw can be read back. */
final class HookBrain {
    static final RealBrain.Profile PROFILE =
            new RealBrain.Profile("brain_hooks_test", "BRAIN_HOOKS_TEST_DATABASE_URL", "c", true, "hook");

    private HookBrain() {
    }
}
