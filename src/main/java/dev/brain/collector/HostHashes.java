package dev.brain.collector;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jdbi.v3.core.Jdbi;

/**
 * Machine names and paths become "hmac:" + 32 hex digits of HMAC-SHA256 under the customer's own random salt:
 * equal values stay comparable within a customer, and a guessed path cannot be checked without the salt.
 */
final class HostHashes {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Jdbi jdbi;
    private final ConcurrentHashMap<String, byte[]> salts = new ConcurrentHashMap<>();

    HostHashes(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    String hash(String customerId, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salts.computeIfAbsent(customerId, this::salt), "HmacSHA256"));
            return "hmac:" + HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    // Two instances racing to make the first salt both read back the one that won.
    private byte[] salt(String customerId) {
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        return jdbi.withHandle(h -> {
            h.createUpdate("insert into collector_salts (customer_id, salt) values (:c, :s) on conflict (customer_id) do nothing")
                    .bind("c", customerId).bind("s", fresh).execute();
            return h.createQuery("select salt from collector_salts where customer_id = :c").bind("c", customerId)
                    .mapTo(byte[].class).one();
        });
    }
}
