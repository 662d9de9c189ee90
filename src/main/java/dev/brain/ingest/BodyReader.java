package dev.brain.ingest;

import dev.brain.http.ApiException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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

    public static byte[] read(InputStream in, long contentLength, String contentEncoding) throws IOException {
        if (contentLength > MAX_WIRE_BYTES) {
            if (contentLength <= MAX_DRAIN_BYTES) {
                drain(in);
            }
            throw ApiException.tooLarge("body is " + contentLength + " bytes; the limit is " + MAX_WIRE_BYTES + " bytes");
        }
        byte[] wire;
        try {
            wire = readAtMost(in, MAX_WIRE_BYTES, "body exceeds " + MAX_WIRE_BYTES + " bytes");
        } catch (ApiException e) {
            drain(in);
            throw e;
        }
        String encoding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase();
        return switch (encoding) {
            case "", "identity" -> wire;
            case "gzip", "x-gzip" -> gunzip(wire);
            default -> throw new ApiException(415, "unsupported_encoding", "Content-Encoding must be gzip or absent");
        };
    }

    private static byte[] gunzip(byte[] wire) throws IOException {
        try (var gz = new GZIPInputStream(new java.io.ByteArrayInputStream(wire), 8192)) {
            return readAtMost(gz, MAX_INFLATED_BYTES, "gzip body inflates beyond " + MAX_INFLATED_BYTES + " bytes");
        } catch (ZipException | java.io.EOFException e) {
            throw ApiException.badRequest("invalid_gzip", "body is not valid gzip");
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        int n;
        while (total < MAX_DRAIN_BYTES && (n = in.read(buf)) != -1) {
            total += n;
        }
    }

    // Stops reading one byte past the limit: a gzip bomb is refused after inflating at most 8 MiB + 1.
    private static byte[] readAtMost(InputStream in, int limit, String tooLarge) throws IOException {
        var out = new ByteArrayOutputStream(Math.min(limit, 64 * 1024));
        byte[] buf = new byte[16 * 1024];
        int total = 0;
        int n;
        while ((n = in.read(buf)) != -1) {
            total += n;
            if (total > limit) {
                throw ApiException.tooLarge(tooLarge);
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
