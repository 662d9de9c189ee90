package dev.brain.ingest;

import dev.brain.auth.Authenticator;
import dev.brain.auth.Principal;
import dev.brain.auth.RequestSignature;
import dev.brain.auth.TooManyAuthFailures;
import dev.brain.error.ClientGone;
import dev.brain.error.RequestTimeout;
import dev.brain.error.TooManyRequests;
import dev.brain.error.Unauthorized;
import dev.brain.http.BodyDeadline;
import dev.brain.http.InFlight;
import dev.brain.metrics.Metrics;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * What every ingest endpoint does before decoding, whatever its wire format: the key, the per-key rate limit, a
 * slot in flight, the body within its deadline and budget, and the signature of a key that demands one. Shared
 * by the routes of every wire format, so their limits are one budget.
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

    /** Admits the request presenting `token` (null when it brought none) and hands its body to the handler. */
    public void admit(Context ctx, String token, Handler handler) {
        Principal who = principal(ctx, token);
        long wait = rateLimiter.acquire(who.keyId());
        if (wait > 0) {
            metrics.inc("brain_rate_limited_total");
            throw new TooManyRequests("rate_limited", "too many requests for this key; retry after the delay", wait);
        }
        try (InFlight.Slot slot = inFlight.enter(who.keyId()); BodyBudget.Lease lease = budget.lease()) {
            handler.handle(who, readBody(ctx, lease, wire -> verifySignature(ctx, who, wire)));
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

    // Reading the body touches only the client's connection: a failure is its timeout or its hang-up, never the database.
    private byte[] readBody(Context ctx, BodyBudget.Lease lease, BodyReader.WireCheck check) {
        try (BodyDeadline deadline = BodyDeadline.start(ctx.req(), limits.bodyTimeout()); InputStream in = ctx.req().getInputStream()) {
            return BodyReader.read(in, ctx.req().getContentLengthLong(), ctx.header("Content-Encoding"), lease, check);
        } catch (IOException e) {
            if (!BodyDeadline.timedOut(e)) {
                throw new ClientGone(e);
            }
            metrics.inc("brain_requests_refused_total", "reason", "request_timeout");
            throw new RequestTimeout("request_timeout", "the body arrived too slowly; it may take at most "
                    + limits.bodyTimeout().toMillis() + " ms");
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
