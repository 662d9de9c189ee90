package dev.brain.pricing;

import dev.brain.error.InvalidConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The price table (USD per million tokens by model id prefix): {@code pricing/prices.tsv}, the same file the hook
 * ships, or a file that replaces it ({@code BRAIN_PRICES_FILE}). A model it doesn't know has no price: callers record
 * such usage as unpriced, never as free.
 */
public final class Prices {
    private static final String RESOURCE = "/dev/brain/pricing/prices.tsv";

    /** One model family's prices, USD per million tokens; a 1-hour cache write costs twice the input price. */
    public record Price(double input, double cacheWrite, double cacheRead, double output) {
    }

    /** Token counts of one model's usage; {@code input} excludes the cache reads and writes. */
    public record Tokens(long input, long cacheWrite, long cacheRead, long output) {
    }

    private final Map<String, Price> byPrefix;

    private Prices(Map<String, Price> byPrefix) {
        this.byPrefix = Collections.unmodifiableMap(byPrefix);
    }

    /** The file when one is named (an unreadable or empty one stops start-up), else the table in the jar. */
    public static Prices load(String file) {
        if (file == null || file.isBlank()) {
            return builtIn();
        }
        try (InputStream in = Files.newInputStream(Path.of(file.trim()))) {
            Prices p = parse(in, file);
            if (p.byPrefix.isEmpty()) {
                throw new InvalidConfig("BRAIN_PRICES_FILE " + file + " has no price rows (model, input, cache write,"
                        + " cache read, output per million tokens)");
            }
            return p;
        } catch (IOException e) {
            throw new InvalidConfig("BRAIN_PRICES_FILE " + file + " is not readable: " + e.getMessage());
        }
    }

    /** The table shipped in the jar. */
    public static Prices builtIn() {
        try (InputStream in = Prices.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " missing from the jar");
            }
            return parse(in, RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException(RESOURCE + " unreadable", e);
        }
    }

    static Prices parse(InputStream in, String name) throws IOException {
        Map<String, Price> table = new LinkedHashMap<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        int n = 0;
        for (String line; (line = r.readLine()) != null; ) {
            n++;
            String row = line.trim();
            if (row.isEmpty() || row.startsWith("#")) {
                continue;
            }
            String[] f = row.split("\\s+");
            try {
                if (f.length < 5) {
                    throw new NumberFormatException("5 columns expected");
                }
                Price p = new Price(number(f[1]), number(f[2]), number(f[3]), number(f[4]));
                table.put(f[0], p);
            } catch (NumberFormatException bad) {
                // A price file is configuration: a wrong row is a mistake to fix, not a row to skip silently.
                throw new InvalidConfig(name + " line " + n + ": " + bad.getMessage() + " (model, input, cache write,"
                        + " cache read, output in USD per million tokens)");
            }
        }
        return new Prices(table);
    }

    private static double number(String s) {
        double d = Double.parseDouble(s);
        if (!(d >= 0) || Double.isInfinite(d)) {
            throw new NumberFormatException("not a price: " + s);
        }
        return d;
    }

    /** The price of {@code model} by its longest matching prefix (provider prefixes ignored), or null when unknown. */
    public Price of(String model) {
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

    /** Cost in cents of {@code t} on {@code model} (cache writes at the 5-minute rate), or null when unpriced. */
    public Double cents(String model, Tokens t) {
        Price p = of(model);
        if (p == null) {
            return null;
        }
        double usd = (t.input() * p.input() + t.cacheWrite() * p.cacheWrite() + t.cacheRead() * p.cacheRead()
                + t.output() * p.output()) / 1_000_000.0;
        return roundCents(usd * 100);
    }

    /** What {@code cacheReadTokens} saved in cents against paying the uncached input price, or null when unpriced. */
    public Double cacheSavingsCents(String model, long cacheReadTokens) {
        Price p = of(model);
        return p == null ? null : roundCents(cacheReadTokens * (p.input() - p.cacheRead()) / 10_000.0);
    }

    /** Cents to a millionth of a cent, so sums of doubles print as the numbers a person would compute. */
    public static double roundCents(double cents) {
        return Math.round(cents * 1_000_000.0) / 1_000_000.0;
    }
}
