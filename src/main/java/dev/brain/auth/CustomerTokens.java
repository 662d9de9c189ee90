package dev.brain.auth;

import dev.brain.http.ReadTokens;
import dev.brain.http.Scope;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Customer read tokens, as AdminAuth sees them: an active token's customer, cached for the key-cache period so a
 * busy dashboard does not write last use on every request; a revoked token stops working within that period.
 */
public final class CustomerTokens implements ReadTokens {
    public static final String PREFIX = "brain_read_";
    private static final int MAX_CACHED = 10_000;
    private final Jdbi jdbi;
    private final long ttlNanos;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Scope scope, long expires) {
    }

    public CustomerTokens(Jdbi jdbi, Duration ttl) {
        this.jdbi = jdbi;
        this.ttlNanos = ttl.toNanos();
    }

    static String newSecret() {
        return PREFIX + ApiKeys.newSecret().substring(ApiKeys.PREFIX.length());
    }

    @Override
    public Optional<Scope> find(String secret) {
        // Admin tokens and garbage never reach the database.
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 128) {
            return Optional.empty();
        }
        byte[] hash = ApiKeys.hash(secret);
        String key = HexFormat.of().formatHex(hash);
        long now = System.nanoTime();
        Cached hit = cache.get(key);
        if (hit != null && now - hit.expires() < 0) {
            return Optional.of(hit.scope());
        }
        Optional<Scope> found = jdbi.withExtension(CustomerTokenDao.class, dao -> dao.use(hash))
                .map(t -> Scope.customer(t.customerId(), "token:" + t.id()));
        if (found.isPresent() && ttlNanos > 0) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(key, new Cached(found.get(), now + ttlNanos));
        } else {
            cache.remove(key);
        }
        return found;
    }
}
