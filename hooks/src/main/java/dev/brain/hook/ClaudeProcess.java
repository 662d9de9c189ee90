package dev.brain.hook;

import java.util.Optional;
import java.util.Set;

/** The Claude Code process that runs a session: found from the hook's ancestry, checked later by pid and start time. */
final class ClaudeProcess {
    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ash", "ksh", "busybox", "env");

    private ClaudeProcess() {
    }

    // Claude Code runs hooks through a shell; the first ancestor that is not one is Claude Code itself.
    static Optional<ProcessHandle> owner() {
        Optional<ProcessHandle> p = ProcessHandle.current().parent();
        for (int depth = 0; depth < 4 && p.isPresent(); depth++) {
            String command = p.get().info().command().orElse("");
            if (!SHELLS.contains(command.substring(command.lastIndexOf('/') + 1))) {
                return p;
            }
            p = p.get().parent();
        }
        return p;
    }

    /** Whether the session's owner still runs; a session whose owner is unknown counts as alive. */
    static boolean alive(SessionRecord.Start start) {
        long pid = start.ownerPid();
        if (pid <= 0) {
            return true;
        }
        long started = start.ownerStartMillis();
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(h -> started < 0 || h.info().startInstant().map(i -> i.toEpochMilli() == started).orElse(true))
                .orElse(false);
    }
}
