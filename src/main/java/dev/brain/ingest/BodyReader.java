package dev.brain.ingest;

import dev.brain.error.BadRequest;
import dev.brain.error.TooLarge;
import dev.brain.error.UnsupportedMediaType;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reads a request body within the wire limit, and inflates gzip within the inflated limit. */
public final class BodyReader {
    public static final int MAX_WIRE_BYTES = 1 << 20;
    public static final int MAX_INFLATED_BYTES = 8 << 20;

    private BodyReader() {
    }

    // A client still sending when we answer may lose the answer to a connection reset; a modest
    // excess is read and discarded first so the 413 arrives. Beyond this, the connection just closes.
    private static final long MAX_DRAIN_BYTES = 4L << 20;
    private static final int FIRST_BUFFER = 16 * 1024;

    /** What must hold of the body's bytes as they came over the wire, before anything is inflated (a signature). */
    public interface WireCheck {
        void check(byte[] wire);
    }

    /** The body's content: as received, or inflated from gzip. Every buffer it grows is counted against the lease. */
    public static byte[] read(InputStream in, long contentLength, String contentEncoding, BodyBudget.Lease lease) throws IOException {
        return read(in, contentLength, contentEncoding, lease, wire -> { });
    }

    /** As {@link #read(InputStream, long, String, BodyBudget.Lease)}, after `check` has accepted the bytes as sent. */
    public static byte[] read(InputStream in, long contentLength, String contentEncoding, BodyBudget.Lease lease, WireCheck check)
            throws IOException {
        if (contentLength > MAX_WIRE_BYTES) {
            if (contentLength <= MAX_DRAIN_BYTES) {
                drain(in);
            }
            throw new TooLarge("body_too_large", "body is " + contentLength + " bytes; the limit is " + MAX_WIRE_BYTES + " bytes");
        }
        byte[] wire;
        try {
            // A slow sender holds only what it has sent: the buffer grows with the body, up to its announced length.
            wire = readAtMost(in, MAX_WIRE_BYTES, contentLength < 0 ? FIRST_BUFFER : Math.min(contentLength, FIRST_BUFFER),
                    contentLength, lease, "body exceeds " + MAX_WIRE_BYTES + " bytes");
        } catch (TooLarge e) {
            drain(in);
            throw e;
        }
        check.check(wire);
        String encoding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase();
        return switch (encoding) {
            case "", "identity" -> wire;
            case "gzip", "x-gzip" -> gunzip(wire, lease);
            default -> throw new UnsupportedMediaType("unsupported_encoding", "Content-Encoding must be gzip or absent");
        };
    }

    private static byte[] gunzip(byte[] wire, BodyBudget.Lease lease) throws IOException {
        try (var gz = new GZIPInputStream(new java.io.ByteArrayInputStream(wire), 8192)) {
            long size = inflatedSize(wire);
            return readAtMost(gz, MAX_INFLATED_BYTES, size < 0 ? FIRST_BUFFER : Math.min(size, MAX_INFLATED_BYTES), size, lease,
                    "gzip body inflates beyond " + MAX_INFLATED_BYTES + " bytes");
        } catch (ZipException | java.io.EOFException e) {
            throw new BadRequest("invalid_gzip", "body is not valid gzip");
        }
    }

    // gzip ends with the inflated size (mod 2^32): a hint for the buffer, never trusted as a limit.
    private static long inflatedSize(byte[] wire) {
        if (wire.length < 18) {
            return -1;
        }
        int n = wire.length;
        return (wire[n - 4] & 0xffL) | (wire[n - 3] & 0xffL) << 8 | (wire[n - 2] & 0xffL) << 16 | (wire[n - 1] & 0xffL) << 24;
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        int n;
        while (total < MAX_DRAIN_BYTES && (n = in.read(buf)) != -1) {
            total += n;
        }
    }

    // Stops reading one byte past the limit: a gzip bomb is refused after inflating at most 8 MiB + 1. Grows the
    // buffer by doubling, landing on the expected size when one is known, so a truthful body is never copied.
    private static byte[] readAtMost(InputStream in, int limit, long first, long expected, BodyBudget.Lease lease, String tooLarge)
            throws IOException {
        lease.reserve(first);
        byte[] buf = new byte[(int) first];
        int size = 0;
        while (true) {
            if (size == buf.length) {
                int next = in.read();
                if (next == -1) {
                    return buf;
                }
                if (size >= limit) {
                    throw new TooLarge("body_too_large", tooLarge);
                }
                int capacity = (int) Math.min(limit, Math.max(2L * buf.length, FIRST_BUFFER));
                if (expected > size && expected < capacity) {
                    capacity = (int) expected;
                }
                lease.reserve(capacity - buf.length);
                buf = Arrays.copyOf(buf, capacity);
                buf[size++] = (byte) next;
            }
            int n = in.read(buf, size, buf.length - size);
            if (n == -1) {
                return size == buf.length ? buf : Arrays.copyOf(buf, size);
            }
            size += n;
        }
    }
}
