package dev.brain.auth;

import dev.brain.error.Unauthorized;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed requests: X-Brain-Timestamp (unix seconds) and X-Brain-Signature: sha256=hex(HMAC-SHA256(secret,
 * timestamp + "." + body as sent)). Checked for keys that carry a signing secret; others pass untouched.
 */
public final class RequestSignature {
    public static final String TIMESTAMP_HEADER = "X-Brain-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Brain-Signature";
    /** How far the timestamp may be from the server's clock, either way. */
    public static final long MAX_SKEW_S = 300;

    private RequestSignature() {
    }

    /** Throws 401 signature_missing / signature_stale / signature_invalid unless the request is signed as its key demands. */
    public static void verify(Principal who, String timestamp, String signature, byte[] wire, long nowSeconds) {
        if (who.signingSecret() == null) {
            return;
        }
        if (timestamp == null || signature == null || timestamp.isBlank() || signature.isBlank()) {
            throw new Unauthorized("signature_missing", "this key requires signed requests: send " + TIMESTAMP_HEADER
                    + " and " + SIGNATURE_HEADER + ": sha256=<hex HMAC-SHA256 of timestamp + \".\" + body>");
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new Unauthorized("signature_invalid", TIMESTAMP_HEADER + " must be unix seconds");
        }
        if (Math.abs(nowSeconds - ts) > MAX_SKEW_S) {
            throw new Unauthorized("signature_stale", TIMESTAMP_HEADER + " is more than " + MAX_SKEW_S
                    + " seconds from the server's clock; sign each request when it is sent");
        }
        byte[] expected = ("sha256=" + sign(who.signingSecret(), timestamp.trim(), wire)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.trim().toLowerCase().getBytes(StandardCharsets.US_ASCII))) {
            throw new Unauthorized("signature_invalid", SIGNATURE_HEADER + " does not match the body and timestamp");
        }
    }

    /** hex(HMAC-SHA256(secret, timestamp + "." + body)). */
    public static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
