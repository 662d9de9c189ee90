package dev.brain.otlp;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;

/** Deterministic record ids: the same record in a retried export gets the same id, so it is stored once. */
final class Ids {
    private static final HexFormat HEX = HexFormat.of();

    private Ids() {
    }

    static UUID of(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\u001f", parts).getBytes(StandardCharsets.UTF_8));
    }

    static UUID of(byte[] bytes) {
        return UUID.nameUUIDFromBytes(bytes);
    }

    static String hex(com.google.protobuf.ByteString b) {
        return HEX.formatHex(b.toByteArray());
    }
}
