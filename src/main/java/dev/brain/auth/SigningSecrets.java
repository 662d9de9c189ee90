package dev.brain.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing secrets: minted with the key, stored sealed (AES-256-GCM) under a key derived from the API key,
 * so the database alone never yields one; opened when a request presents the API key.
 */
public final class SigningSecrets {
    public static final String PREFIX = "brainsig_";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE = 12;

    private SigningSecrets() {
    }

    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] seal(String apiKey, String secret) {
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, apiKey, nonce);
            byte[] sealed = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** The secret, or null when the sealed bytes do not open with this API key. */
    public static String open(String apiKey, byte[] sealed) {
        if (sealed == null || sealed.length <= NONCE) {
            return null;
        }
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, apiKey, Arrays.copyOf(sealed, NONCE));
            return new String(c.doFinal(sealed, NONCE, sealed.length - NONCE), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private static Cipher cipher(int mode, String apiKey, byte[] nonce) throws GeneralSecurityException {
        // Domain-separated from the stored key hash (plain SHA-256 of the key), so that hash opens nothing.
        byte[] key = MessageDigest.getInstance("SHA-256").digest(("brain-signing-v1:" + apiKey).getBytes(StandardCharsets.UTF_8));
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        return c;
    }
}
