package dev.brain.hook;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The price table (USD per million tokens by model id prefix), as data: a resource, or a file that replaces it. */
final class Prices {
    private static final String RESOURCE = "/dev/brain/hook/prices.tsv";

    /** One model family's prices, USD per million tokens. */
    record Price(double input, double cacheWrite5m, double cacheRead, double output) {
        double cacheWrite1h() {
            return 2 * input;
        }
    }

    private final Map<String, Price> byPrefix;

    private Prices(Map<String, Price> byPrefix) {
        this.byPrefix = byPrefix;
    }

    /** The file named by {@code overrideFile} when it is readable, else the table shipped in the jar. */
    static Prices load(String overrideFile) throws IOException {
        if (overrideFile != null && !overrideFile.isBlank()) {
            try (InputStream in = Files.newInputStream(Path.of(overrideFile.trim()))) {
                return parse(in);
            } catch (IOException unreadable) {
                Debug.log("price file " + overrideFile + " unreadable (" + unreadable + "); using the built-in table");
            }
        }
        try (InputStream in = Prices.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " missing from the jar");
            }
            return parse(in);
        }
    }

    static Prices parse(InputStream in) throws IOException {
        Map<String, Price> table = new LinkedHashMap<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 5 || f[0].startsWith("#")) {
                continue;
            }
            try {
                table.put(f[0], new Price(Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]), Double.parseDouble(f[4])));
            } catch (NumberFormatException badRow) {
                Debug.log("price row ignored: " + line);
            }
        }
        return new Prices(table);
    }

    /** The price of {@code model} by its longest matching prefix, or null when the model is unknown. */
    Price of(String model) {
        if (model == null) {
            return null;
        }
        int at = model.indexOf("claude-");
        String id = at > 0 ? model.substring(at) : model;
        Price best = null;
        int bestLength = -1;
        for (Map.Entry<String, Price> e : byPrefix.entrySet()) {
            String prefix = e.getKey();
            // "claude-opus-4" must not claim "claude-opus-45": the next character may not be a digit.
            if (id.startsWith(prefix) && prefix.length() > bestLength
                    && (id.length() == prefix.length() || !Character.isDigit(id.charAt(prefix.length())))) {
                best = e.getValue();
                bestLength = prefix.length();
            }
        }
        return best;
    }

    /** Cost in cents of {@code u}, or null when its model is not in the table. */
    Double cents(Usage u) {
        Price p = of(u.model());
        if (p == null) {
            return null;
        }
        double usd = (u.input() * p.input() + u.cacheWrite5m() * p.cacheWrite5m() + u.cacheWrite1h() * p.cacheWrite1h()
                + u.cacheRead() * p.cacheRead() + u.output() * p.output()) / 1_000_000.0;
        return roundCents(usd * 100);
    }

    /** Cents to a millionth of a cent, so sums of doubles print as the numbers a person would compute. */
    static double roundCents(double cents) {
        return Math.round(cents * 1_000_000.0) / 1_000_000.0;
    }
}
