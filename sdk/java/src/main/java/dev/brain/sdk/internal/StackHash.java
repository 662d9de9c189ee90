package dev.brain.sdk.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * {@code sha256:<hex>} of a throwable's shape: exception classes and frames, causes included,
 * messages left out so that the same failure with different ids in its message groups together.
 * The trace itself never leaves the process.
 */
public final class StackHash {

    private StackHash() {
    }

    public static String of(Throwable t) {
        StringBuilder shape = new StringBuilder(1024);
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable cur = t; cur != null && seen.add(cur); cur = cur.getCause()) {
            shape.append(cur.getClass().getName()).append('\n');
            for (StackTraceElement frame : cur.getStackTrace()) {
                shape.append("\tat ").append(frame).append('\n');
            }
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(shape.toString().getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder("sha256:");
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
