package dev.brain.sdk;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Builders and lookups shared by the unit tests. */
final class Fixtures {
    private Fixtures() {
    }

    /**
     * A builder that ignores the real environment, sends often and registers no shutdown hook. Closing waits up to
     * 30 s (it returns as soon as all is delivered), so a slow machine still delivers what close adds; tests with a
     * brain that cannot answer set their own shutdown timeout.
     */
    static Brain.Builder builder(Transport transport, Path spool) {
        return new Brain.Builder(name -> null)
                .apiKey("brain_test_key")
                .transport(transport)
                .spoolDir(spool)
                .flushInterval(Duration.ofMillis(50))
                .heartbeatInterval(Duration.ZERO)
                .shutdownTimeout(Duration.ofSeconds(30))
                .shutdownHook(false);
    }

    static List<Map<String, Object>> ofType(List<Map<String, Object>> events, String type) {
        return events.stream().filter(e -> type.equals(e.get("event_type"))).collect(Collectors.toList());
    }

    static List<Object> ids(List<Map<String, Object>> events) {
        List<Object> ids = new ArrayList<>();
        events.forEach(e -> ids.add(e.get("event_id")));
        return ids;
    }

    /** A logger that keeps every line, for asserting what was logged. */
    static final class RecordingLogger implements BrainLogger {
        final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void log(Level level, String message, Throwable error) {
            lines.add(level + " " + message);
        }

        synchronized List<String> matching(String fragment) {
            return lines.stream().filter(l -> l.contains(fragment)).collect(Collectors.toList());
        }
    }
}
