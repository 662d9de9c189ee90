package dev.brain.auth;

import dev.brain.http.TokenBucket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address for key look-ups: each look-up takes a token and a key that is
 * found gives it back, so one address can make the database check unknown keys at most
 * `ratePerSecond` times a second (bursts of `burst`). IPv6 counts per /64, the block one host holds.
 * At most 10,000 addresses are tracked; the least recently seen is forgotten first. 0 disables it.
 */
public final class AuthFailureLimiter {
    private static final int MAX_ADDRESSES = 10_000;
    private final double ratePerSecond;
    private final int burst;
    private final LongSupplier clock;
    private final Map<String, TokenBucket> buckets = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    public AuthFailureLimiter(double ratePerSecond, int burst) {
        this(ratePerSecond, burst, System::nanoTime);
    }

    AuthFailureLimiter(double ratePerSecond, int burst, LongSupplier clock) {
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.clock = clock;
    }

    /** Takes a token for one look-up; returns 0 when allowed, else the seconds until one is available. */
    public long take(String address) {
        if (ratePerSecond <= 0) {
            return 0;
        }
        long now = clock.getAsLong();
        return bucket(address, now).take(now);
    }

    /** The look-up found a key, so it was no failure: the token goes back. */
    public void giveBack(String address) {
        if (ratePerSecond > 0) {
            bucket(address, clock.getAsLong()).giveBack();
        }
    }

    private synchronized TokenBucket bucket(String address, long now) {
        return buckets.computeIfAbsent(addressKey(address), k -> new TokenBucket(ratePerSecond, burst, now));
    }

    static String addressKey(String address) {
        String literal = address == null ? "" : address.replaceAll("%.*|[\\[\\]]", "");
        if (literal.indexOf(':') < 0 || !literal.matches("[0-9A-Fa-f:.]+")) {
            return String.valueOf(address);
        }
        try {
            byte[] ip = InetAddress.getByName(literal).getAddress(); // a literal: parsed, never resolved
            return ip.length == 16 ? HexFormat.of().formatHex(ip, 0, 8) + "::/64" : InetAddress.getByAddress(ip).getHostAddress();
        } catch (UnknownHostException e) {
            return address;
        }
    }
}
