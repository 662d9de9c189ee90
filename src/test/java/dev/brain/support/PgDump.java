package dev.brain.support;

import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** The whole database as SQL text, through the real pg_dump. */
public final class PgDump {
    private PgDump() {
    }

    public static String dump(String jdbcUrl) throws Exception {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String db = uri.getPath().substring(1);
        String user = "brain";
        if (uri.getQuery() != null) {
            for (String p : uri.getQuery().split("&")) {
                if (p.startsWith("user=")) {
                    user = p.substring(5);
                }
            }
        }
        Process p = new ProcessBuilder(pgDump(), "-h", uri.getHost(), "-p", Integer.toString(uri.getPort()), "-U", user,
                "--no-owner", "--data-only", db).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("pg_dump failed: " + out);
        }
        return out;
    }

    private static String pgDump() {
        File[] versions = new File("/usr/lib/postgresql").listFiles();
        if (versions != null) {
            return Arrays.stream(versions).sorted(Comparator.comparing(File::getName).reversed())
                    .map(v -> new File(v, "bin/pg_dump")).filter(File::canExecute).findFirst()
                    .map(File::getPath).orElse("pg_dump");
        }
        return "pg_dump";
    }
}
