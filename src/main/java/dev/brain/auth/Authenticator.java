package dev.brain.auth;

import dev.brain.metrics.Metrics;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * Resolves a bearer key to its principal. Answers (also "unknown") are cached for a few seconds so a
 * hot key costs no query; revocation therefore takes effect within the cache TTL on every instance.
 * Unknown keys live in their own bounded cache that drops its oldest first, so a flood of random keys
 * never pushes a valid one out, and each client address has a budget of look-ups that find nothing.
 */
public final class Authenticator {
    private static final int MAX_KNOWN = 50_000;
    private static final int MAX_UNKNOWN = 10_000;
    private final Jdbi jdbi;
    private final long ttlNanos;
    private final AuthFailureLimiter failures;
    private final Metrics metrics;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();
    private final Map<String, Long> unknown;

    private record Known(Principal principal, long expiresAt) {
    }

    public Authenticator(Jdbi jdbi, Duration ttl, AuthFailureLimiter failures, Metrics metrics) {
        this(jdbi, ttl, failures, metrics, MAX_UNKNOWN, System::nanoTime);
    }

    Authenticator(Jdbi jdbi, Duration ttl, AuthFailureLimiter failures, Metrics metrics, int maxUnknown, LongSupplier clock) {
        this.jdbi = jdbi;
        this.ttlNanos = ttl.toNanos();
        this.failures = failures;
        this.metrics = metrics;
        this.clock = clock;
        // Insertion order is expiry order, since every entry lives for the same TTL.
        this.unknown = new LinkedHashMap<>(256) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > maxUnknown;
            }
        };
    }

    /**
     * The key's principal; empty for a missing, unknown or revoked key. Throws TooManyAuthFailures,
     * without a query, when the key needs a look-up and the client address has spent its budget.
     */
    public Optional<Principal> authenticate(String secret, String clientAddress) {
        if (!ApiKeys.plausible(secret)) {
            return Optional.empty();
        }
        byte[] hash = ApiKeys.hash(secret);
        String cacheKey = Base64.getEncoder().encodeToString(hash);
        long now = clock.getAsLong();
        Known hit = known.get(cacheKey);
        if (hit != null && now - hit.expiresAt < 0) {
            return Optional.of(hit.principal);
        }
        if (cachedAsUnknown(cacheKey, now)) {
            return Optional.empty();
        }
        long wait = failures.take(clientAddress);
        if (wait > 0) {
            throw new TooManyAuthFailures(wait);
        }
        Optional<Principal> found;
        try {
            metrics.inc("brain_auth_lookups_total");
            found = jdbi.withExtension(KeyDao.class, dao -> dao.findActive(hash)).map(k -> principal(k, secret));
        } catch (RuntimeException e) {
            failures.giveBack(clientAddress); // an outage is not the client's failure
            throw e;
        }
        if (found.isPresent()) {
            failures.giveBack(clientAddress);
            rememberKnown(cacheKey, found.get(), now);
        } else {
            known.remove(cacheKey);
            rememberUnknown(cacheKey, now);
        }
        return found;
    }

    // A sealed secret that does not open is a broken key, never an unsigned one: it then matches no signature.
    private static Principal principal(KeyDao.ActiveKey k, String apiKey) {
        String signing = null;
        if (k.signingSecretSealed() != null) {
            signing = SigningSecrets.open(apiKey, k.signingSecretSealed());
            if (signing == null) {
                signing = SigningSecrets.newSecret();
            }
        }
        return new Principal(k.keyId(), k.agentId(), k.customerId(), k.privacyTier(), k.tierCEnabled(), signing);
    }

    private void rememberKnown(String cacheKey, Principal principal, long now) {
        if (ttlNanos <= 0) {
            return;
        }
        if (known.size() >= MAX_KNOWN) {
            known.values().removeIf(k -> now - k.expiresAt >= 0);
        }
        // Only issued keys get here, so the bound is a safety net: when it is full of live keys, skip caching.
        if (known.size() < MAX_KNOWN) {
            known.put(cacheKey, new Known(principal, now + ttlNanos));
        }
    }

    private boolean cachedAsUnknown(String cacheKey, long now) {
        synchronized (unknown) {
            Long expiresAt = unknown.get(cacheKey);
            if (expiresAt != null && now - expiresAt >= 0) {
                unknown.remove(cacheKey);
                return false;
            }
            return expiresAt != null;
        }
    }

    private void rememberUnknown(String cacheKey, long now) {
        if (ttlNanos <= 0) {
            return;
        }
        synchronized (unknown) {
            var oldest = unknown.values().iterator();
            while (oldest.hasNext() && now - oldest.next() >= 0) {
                oldest.remove();
            }
            unknown.put(cacheKey, now + ttlNanos);
        }
    }
}
