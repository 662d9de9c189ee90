package dev.brain.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brain.error.InvalidConfig;
import dev.brain.pricing.Prices.Tokens;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PricesTest {
    private final Prices table = Prices.builtIn();

    @Test
    void pricesByTheLongestPrefixIgnoringDatesAndProviderPrefixes() {
        // claude-sonnet-4: $3 in, $3.75 cache write, $0.30 cache read, $15 out per million tokens.
        Tokens t = new Tokens(1_000_000, 100_000, 2_000_000, 10_000);
        double expected = (3.0 + 0.375 + 0.6 + 0.15) * 100;
        assertEquals(expected, table.cents("claude-sonnet-4-6", t), 1e-9);
        assertEquals(expected, table.cents("us.anthropic.claude-sonnet-4-5-20250929-v1:0", t), 1e-9);
        // Opus 4.1 and Opus 4.6 are different families with different prices.
        assertEquals(1500.0, table.cents("claude-opus-4-1-20250805", new Tokens(1_000_000, 0, 0, 0)), 1e-9);
        assertEquals(500.0, table.cents("claude-opus-4-6", new Tokens(1_000_000, 0, 0, 0)), 1e-9);
    }

    @Test
    void anUnknownModelIsUnpricedNotFree() {
        assertNull(table.cents("gpt-4o", new Tokens(1000, 0, 0, 1000)));
        assertNull(table.cents(null, new Tokens(1000, 0, 0, 1000)));
        assertNull(table.cacheSavingsCents("claude-opus-45", 1000));
    }

    @Test
    void cacheSavingsAreTheUncachedInputPriceLessTheCacheReadPrice() {
        // 1M cache-read tokens on Sonnet 4: $3.00 uncached against $0.30 read = 270 cents saved.
        assertEquals(270.0, table.cacheSavingsCents("claude-sonnet-4-6", 1_000_000), 1e-9);
    }

    @Test
    void aPriceFileReplacesTheTableAndAWrongOneStopsStartUp(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("prices.tsv");
        Files.writeString(file, "# ours\nacme-model\t1\t2\t0.5\t4\n");
        Prices custom = Prices.load(file.toString());
        assertEquals(100.0, custom.cents("acme-model-2", new Tokens(1_000_000, 0, 0, 0)), 1e-9);
        assertNull(custom.cents("claude-sonnet-4-6", new Tokens(1, 0, 0, 0)));

        Files.writeString(file, "acme-model\t1\ttwo\t0.5\t4\n");
        InvalidConfig bad = assertThrows(InvalidConfig.class, () -> Prices.load(file.toString()));
        assertTrue(bad.getMessage().contains("line 1"), bad.getMessage());
        assertThrows(InvalidConfig.class, () -> Prices.load(dir.resolve("missing.tsv").toString()));
        Files.writeString(file, "# nothing\n");
        assertThrows(InvalidConfig.class, () -> Prices.load(file.toString()));
    }
}
