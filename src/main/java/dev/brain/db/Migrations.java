package dev.brain.db;

import dev.brain.config.Resources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/** The migrations packaged with this build (sql/migrations, at db/migrations in the jar). */
final class Migrations {
    static final String LOCATION = "db/migrations";
    private static final Pattern VERSIONED = Pattern.compile("(?:.*/)?V([0-9][0-9_.]*)__[^/]*\\.sql");
    private static final Pattern REPEATABLE = Pattern.compile("(?:.*/)?(R__[^/]*\\.sql)");

    /** Versions of the versioned migrations; each repeatable migration's script name with Flyway's checksum of it. */
    record Bundled(Set<String> versions, Map<String, Integer> repeatables) {
    }

    private Migrations() {
    }

    static Bundled bundled() {
        Bundled bundled = new Bundled(new TreeSet<>(), new TreeMap<>());
        for (String name : names()) {
            if (name.startsWith(LOCATION + "/") || !name.contains("/")) {
                Matcher v = VERSIONED.matcher(name);
                Matcher r = REPEATABLE.matcher(name);
                if (v.matches()) {
                    bundled.versions().add(v.group(1).replace('_', '.'));
                } else if (r.matches()) {
                    bundled.repeatables().put(r.group(1), checksum(Resources.text("/" + LOCATION + "/" + r.group(1))));
                }
            }
        }
        return bundled;
    }

    /** Flyway's checksum of a script: CRC32 over its lines' UTF-8 bytes, without line breaks or a leading byte order mark. */
    static int checksum(String script) {
        CRC32 crc = new CRC32();
        String text = script.startsWith("\uFEFF") ? script.substring(1) : script;
        text.lines().forEach(line -> crc.update(line.getBytes(StandardCharsets.UTF_8)));
        return (int) crc.getValue();
    }

    private static Set<String> names() {
        URL url = Migrations.class.getClassLoader().getResource(LOCATION);
        if (url == null) {
            throw new IllegalStateException(LOCATION + " is missing from the classpath");
        }
        Set<String> names = new TreeSet<>();
        try {
            if (url.getProtocol().equals("jar")) {
                var jar = ((JarURLConnection) url.openConnection()).getJarFile();
                jar.stream().forEach(e -> names.add(e.getName()));
            } else {
                try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                    files.forEach(f -> names.add(f.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }
}
