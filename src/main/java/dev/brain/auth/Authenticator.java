package dev.brain.auth;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Resolves a bearer key to its principal. Answers (also "unknown") are cached for a few seconds so a
 * hot key costs no query; revocation therefore takes effect within the cache TTL on every instance.
 */
public final class Authenticator {
    private static final int MAX_ENTRIES = 50_000;
    private final Jdbi jdbi;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();

    private record Entry(Optional<Principal> principal, long expiresAt) {
    }

    public Authenticator(Jdbi jdbi, Duration ttl) {
        this(jdbi, ttl, System::nanoTime);
    }

    Authenticator(Jdbi jdbi, Duration ttl, LongSupplier clock) {
        this.jdbi = jdbi;
        this.ttlNanos = ttl.toNanos();
        this.clock = clock;
    }

    public Optional<Principal> authenticate(String secret) {
        if (!ApiKeys.plausible(secret)) {
            return Optional.empty();
        }
        byte[] hash = ApiKeys.hash(secret);
        String cacheKey = Base64.getEncoder().encodeToString(hash);
        long now = clock.getAsLong();
        Entry hit = cache.get(cacheKey);
        if (hit != null && now - hit.expiresAt < 0) {
            return hit.principal;
        }
        Optional<Principal> found = jdbi.withExtension(KeyDao.class, dao -> dao.findActive(hash));
        if (cache.size() >= MAX_ENTRIES) {
            cache.clear();
        }
        if (ttlNanos > 0) {
            cache.put(cacheKey, new Entry(found, now + ttlNanos));
        }
        return found;
    }

    /** Constant-time comparison, for shared secrets such as the admin token. */
    public static boolean sameSecret(String expected, String given) {
        if (expected == null || expected.isEmpty() || given == null) {
            return false;
        }
        return MessageDigest.isEqual(ApiKeys.hash(expected), ApiKeys.hash(given));
    }
}
