package dev.brain.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The structure docs/architecture.md describes, checked on the compiled classes with jdeps so it stays true. */
class PackageStructureTest {
    private static final Set<String> FEATURES = Set.of("admin", "analytics", "auth", "ingest", "otlp", "privacy", "redact", "sessions");
    private static final Set<String> SHARED = Set.of("config", "db", "error", "http", "log", "metrics", "schedule");
    private static final int MAX_MAIN_FILE_LINES = 260;
    private static Map<String, Set<String>> imports;

    @BeforeAll
    static void readDependencies() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException("a JDK with jdeps is needed"));
        var out = new ByteArrayOutputStream();
        int exit = jdeps.run(new PrintStream(out, true, StandardCharsets.UTF_8), System.err,
                "-verbose:package", "-e", "dev\\.brain\\..*", "target/classes");
        assertEquals(0, exit, "jdeps failed");
        imports = new TreeMap<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[1].equals("->") && f[0].startsWith("dev.brain") && f[2].startsWith("dev.brain")) {
                imports.computeIfAbsent(shortName(f[0]), k -> new TreeSet<>()).add(shortName(f[2]));
            }
        }
        assertTrue(imports.containsKey("http") && imports.containsKey("ingest"), "jdeps output was not understood: " + imports);
    }

    private static String shortName(String pkg) {
        return pkg.equals("dev.brain") ? "(root)" : pkg.substring("dev.brain.".length());
    }

    @Test
    void every_package_is_a_feature_or_a_shared_one() {
        for (String pkg : imports.keySet()) {
            assertTrue(pkg.equals("(root)") || FEATURES.contains(pkg) || SHARED.contains(pkg),
                    pkg + " is new: add it to docs/architecture.md and to this test as a feature or a shared package");
        }
    }

    @Test
    void shared_packages_import_no_feature() {
        for (String pkg : SHARED) {
            Set<String> used = new TreeSet<>(imports.getOrDefault(pkg, Set.of()));
            used.retainAll(FEATURES);
            assertTrue(used.isEmpty(), pkg + " imports the feature package(s) " + used);
        }
    }

    @Test
    void no_package_imports_the_composition_root() {
        imports.forEach((pkg, used) -> assertFalse(used.contains("(root)"), pkg + " imports the composition root"));
    }

    @Test
    void there_is_no_package_cycle() {
        for (String start : imports.keySet()) {
            List<String> path = cycleFrom(start, start, new ArrayList<>(), new TreeSet<>());
            assertTrue(path == null, "package cycle: " + path);
        }
    }

    private static List<String> cycleFrom(String start, String at, List<String> path, Set<String> seen) {
        path.add(at);
        for (String next : imports.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                path.add(next);
                return path;
            }
            if (seen.add(next)) {
                List<String> found = cycleFrom(start, next, path, seen);
                if (found != null) {
                    return found;
                }
            }
        }
        path.remove(path.size() - 1);
        return null;
    }

    @Test
    void no_main_source_file_is_longer_than_a_screen_or_two() throws IOException {
        List<String> tooLong = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                long lines = Files.readAllLines(f).size();
                if (lines > MAX_MAIN_FILE_LINES) {
                    tooLong.add(f + " (" + lines + " lines)");
                }
            }
        }
        assertTrue(tooLong.isEmpty(), "split these along a real seam: " + tooLong);
    }
}
