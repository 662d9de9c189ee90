package dev.brain.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuthFailureLimiterTest {
    final AtomicLong now = new AtomicLong();

    @Test
    void an_address_gets_its_burst_then_one_look_up_per_refill_and_found_keys_cost_nothing() {
        var limiter = new AuthFailureLimiter(2, 3, now::get);
        for (int i = 0; i < 10; i++) {
            assertEquals(0, limiter.take("192.0.2.1"));
            limiter.giveBack("192.0.2.1");
        }
        assertEquals(0, limiter.take("192.0.2.1"));
        assertEquals(0, limiter.take("192.0.2.1"));
        assertEquals(0, limiter.take("192.0.2.1"));
        assertEquals(1, limiter.take("192.0.2.1"));
        assertEquals(0, limiter.take("192.0.2.2"), "other addresses have their own budget");
        now.addAndGet(500_000_000L);
        assertEquals(0, limiter.take("192.0.2.1"));
        assertEquals(1, limiter.take("192.0.2.1"));
    }

    @Test
    void ipv6_addresses_share_a_budget_per_64_block() {
        var limiter = new AuthFailureLimiter(1, 1, now::get);
        assertEquals(0, limiter.take("2001:db8:1:2:aaaa::1"));
        assertEquals(1, limiter.take("[2001:db8:1:2:bbbb::7]"));
        assertEquals(0, limiter.take("2001:db8:1:3::1"));
        assertEquals("20010db800010002::/64", AuthFailureLimiter.addressKey("2001:0db8:0001:0002:ffff:0:0:1%eth0"));
        assertEquals("192.0.2.9", AuthFailureLimiter.addressKey("::ffff:192.0.2.9"));
        assertEquals("not-an-address", AuthFailureLimiter.addressKey("not-an-address"));
    }

    @Test
    void zero_rate_disables_the_limit() {
        var limiter = new AuthFailureLimiter(0, 1, now::get);
        for (int i = 0; i < 100; i++) {
            assertEquals(0, limiter.take("192.0.2.1"));
        }
    }
}
