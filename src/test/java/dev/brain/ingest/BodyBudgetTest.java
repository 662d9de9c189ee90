package dev.brain.ingest;

import dev.brain.error.Unavailable;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brain.metrics.Metrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The body-bytes budget across requests: counted as bodies are read and inflated, refused past it, given back. */
class BodyBudgetTest {
    private final Metrics metrics = new Metrics();
    private final BodyBudget budget = new BodyBudget(64 * 1024, metrics);

    private static byte[] read(byte[] wire, String encoding, BodyBudget.Lease lease) throws Exception {
        return BodyReader.read(new ByteArrayInputStream(wire), encoding == null ? wire.length : -1, encoding, lease);
    }

    @Test
    void a_body_beyond_what_is_left_is_refused_with_503_until_the_holder_ends() throws Exception {
        byte[] big = new byte[60 * 1024];
        byte[] small = new byte[16 * 1024];
        BodyBudget.Lease holder = budget.lease();
        assertArrayEquals(big, read(big, null, holder));
        assertEquals(60 * 1024, budget.heldBytes());
        try (BodyBudget.Lease other = budget.lease()) {
            Unavailable e = assertThrows(Unavailable.class, () -> read(small, null, other));
            assertEquals(503, dev.brain.http.Errors.status(e));
            assertEquals("overloaded", e.code());
            assertEquals(1, e.retryAfterSeconds());
        }
        assertEquals(1, metrics.count("brain_requests_refused_total", "reason", "overloaded"));
        holder.close();
        assertEquals(0, budget.heldBytes());
        try (BodyBudget.Lease other = budget.lease()) {
            assertArrayEquals(small, read(small, null, other));
        }
        assertEquals(0, budget.heldBytes());
    }

    @Test
    void inflated_bytes_count_not_just_the_wire() throws Exception {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(new byte[100 * 1024]);
        }
        assertEquals(true, out.size() < 1024, "compressed to " + out.size());
        try (BodyBudget.Lease lease = budget.lease()) {
            Unavailable e = assertThrows(Unavailable.class, () -> read(out.toByteArray(), "gzip", lease));
            assertEquals("overloaded", e.code());
        }
        assertEquals(0, budget.heldBytes());
    }
}
