package dev.brain.ingest;

import dev.brain.auth.Authenticator;
import dev.brain.auth.Principal;
import dev.brain.auth.RequestSignature;
import dev.brain.auth.TooManyAuthFailures;
import dev.brain.error.ClientGone;
import dev.brain.error.RequestTimeout;
import dev.brain.error.TooManyRequests;
import dev.brain.error.Unauthorized;
import dev.brain.http.Bearer;
import dev.brain.http.BodyDeadline;
import dev.brain.http.InFlight;
import dev.brain.metrics.Metrics;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * What every ingest endpoint does before decoding, whatever its wire format: the key, the per-key rate limit, a
 * slot in flight, the body within its deadline and byte budget, and the signature of a key that demands one. One
 * gate is shared by every ingest route, so the limits hold across them.
 */
public final class IngestGate {
    private final Authenticator auth;
    private final RateLimiter rateLimiter;
    private final IngestLimits limits;
    private final InFlight inFlight;
    private final BodyBudget budget;
    private final Metrics metrics;

    /** What the handler gets: who sent it and the body (inflated), while the slot and the body's budget are held. */
    public interface Handler {
        void handle(Principal who, byte[] body);
    }

    public IngestGate(Authenticator auth, RateLimiter rateLimiter, IngestLimits limits, Metrics metrics) {
        this.auth = auth;
        this.rateLimiter = rateLimiter;
        this.limits = limits;
        this.metrics = metrics;
        this.inFlight = new InFlight(limits.concurrency(), limits.concurrencyPerKey(), metrics);
        this.budget = new BodyBudget(limits.bufferBytes(), metrics);
        metrics.describe("brain_auth_failures_total", "Requests with a missing, unknown or revoked key");
        metrics.describe("brain_rate_limited_total", "Requests refused by the per-key rate limit");
        metrics.describe("brain_auth_throttled_total", "Requests refused because their address sent too many unknown keys");
        metrics.describe("brain_signature_failures_total", "Requests of a signing key refused, by reason (missing, invalid, stale)");
        metrics.describe("brain_ingest_in_flight", "Ingest requests being read, parsed or stored");
        metrics.describe("brain_ingest_body_bytes", "Request-body bytes (received and inflated) held by ingest requests");
        metrics.gauge("brain_ingest_in_flight", inFlight::count);
        metrics.gauge("brain_ingest_body_bytes", budget::heldBytes);
    }

    /** A request let in: its principal, its slot in flight and its share of the body budget, released on close. */
    public static final class Admitted implements AutoCloseable {
        private final Principal who;
        private final InFlight.Slot slot;
        private final BodyBudget.Lease lease;

        private Admitted(Principal who, InFlight.Slot slot, BodyBudget.Lease lease) {
            this.who = who;
            this.slot = slot;
            this.lease = lease;
        }

        public Principal who() {
            return who;
        }

        @Override
        public void close() {
            try {
                lease.close();
            } finally {
                slot.close();
            }
        }
    }

    /** Admits the request presenting `token` (null when it brought none) and hands its body to the handler. */
    public void admit(Context ctx, String token, Handler handler) {
        try (Admitted admitted = admit(ctx, token)) {
            handler.handle(admitted.who(), readBody(ctx, admitted));
        }
    }

    /** The bearer key's owner within its rate limit and a slot in flight; 401, 429 or 503 otherwise. */
    public Admitted admit(Context ctx) {
        return admit(ctx, Bearer.token(ctx));
    }

    /** The owner of `token` (null when the request brought none) within its rate limit and a slot in flight. */
    public Admitted admit(Context ctx, String token) {
        Principal who = principal(ctx, token);
        long wait = rateLimiter.acquire(who.keyId());
        if (wait > 0) {
            metrics.inc("brain_rate_limited_total");
            throw new TooManyRequests("rate_limited", "too many requests for this key; retry after the delay", wait);
        }
        InFlight.Slot slot = inFlight.enter(who.keyId());
        try {
            return new Admitted(who, slot, budget.lease());
        } catch (RuntimeException e) {
            slot.close();
            throw e;
        }
    }

    // Reading the body touches only the client's connection: a failure is its timeout or its hang-up, never the database.
    // The signature of a key that demands one is checked on the bytes as they came over the wire.
    public byte[] readBody(Context ctx, Admitted admitted) {
        try (BodyDeadline deadline = BodyDeadline.start(ctx.req(), limits.bodyTimeout()); InputStream in = ctx.req().getInputStream()) {
            return BodyReader.read(in, ctx.req().getContentLengthLong(), ctx.header("Content-Encoding"), admitted.lease,
                    wire -> verifySignature(ctx, admitted.who, wire));
        } catch (IOException e) {
            if (!BodyDeadline.timedOut(e)) {
                throw new ClientGone(e);
            }
            metrics.inc("brain_requests_refused_total", "reason", "request_timeout");
            throw new RequestTimeout("request_timeout", "the body arrived too slowly; it may take at most "
                    + limits.bodyTimeout().toMillis() + " ms");
        }
    }

    private void verifySignature(Context ctx, Principal who, byte[] wire) {
        try {
            RequestSignature.verify(who, ctx.header(RequestSignature.TIMESTAMP_HEADER), ctx.header(RequestSignature.SIGNATURE_HEADER),
                    wire, System.currentTimeMillis() / 1000);
        } catch (Unauthorized e) {
            metrics.inc("brain_signature_failures_total", "reason", e.code());
            throw e;
        }
    }

    /** The key's owner, else 401; 429 when this address has spent its budget of look-ups that found nothing. */
    private Principal principal(Context ctx, String token) {
        Optional<Principal> who;
        try {
            who = auth.authenticate(token, ctx.req().getRemoteAddr());
        } catch (TooManyAuthFailures e) {
            metrics.inc("brain_auth_throttled_total");
            throw e;
        }
        return who.orElseThrow(() -> {
            metrics.inc("brain_auth_failures_total");
            return new Unauthorized("unauthorized", "missing, unknown or revoked key");
        });
    }
}
