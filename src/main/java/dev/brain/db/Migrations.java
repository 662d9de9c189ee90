package dev.brain.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The migration versions packaged with this build (sql/migrations, at db/migrations in the jar). */
final class Migrations {
    static final String LOCATION = "db/migrations";
    private static final Pattern VERSIONED = Pattern.compile("(?:.*/)?V([0-9][0-9_.]*)__[^/]*\\.sql");

    private Migrations() {
    }

    static Set<String> bundledVersions() {
        URL url = Migrations.class.getClassLoader().getResource(LOCATION);
        if (url == null) {
            throw new IllegalStateException(LOCATION + " is missing from the classpath");
        }
        Set<String> versions = new TreeSet<>();
        try {
            if (url.getProtocol().equals("jar")) {
                var jar = ((JarURLConnection) url.openConnection()).getJarFile();
                jar.stream().forEach(e -> add(versions, e.getName()));
            } else {
                try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                    files.forEach(f -> add(versions, f.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return versions;
    }

    private static void add(Set<String> versions, String name) {
        if (name.startsWith(LOCATION + "/") || !name.contains("/")) {
            Matcher m = VERSIONED.matcher(name);
            if (m.matches()) {
                versions.add(m.group(1).replace('_', '.'));
            }
        }
    }
}
