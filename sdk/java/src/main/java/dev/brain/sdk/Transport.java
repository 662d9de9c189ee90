package dev.brain.sdk;

import java.io.IOException;

/**
 * Delivers one request body to the brain. The default sends it over HTTP (gzip, bearer key);
 * tests and unusual deployments plug in their own through {@link Brain.Builder#transport}.
 * Called from the SDK's background thread only, never from the agent's threads.
 */
@FunctionalInterface
public interface Transport {

    /**
     * Sends {@code body}, the uncompressed UTF-8 JSON of a batch
     * ({@code {"events":[...],"sent_at":"..."}}). A network failure is an {@link IOException}.
     */
    Response send(byte[] body) throws IOException, InterruptedException;

    /** What the brain answered. */
    final class Response {
        private final int status;
        private final long retryAfterSeconds;
        private final String body;

        /** {@code retryAfterSeconds} is negative when the brain sent no {@code Retry-After}. */
        public Response(int status, long retryAfterSeconds, String body) {
            this.status = status;
            this.retryAfterSeconds = retryAfterSeconds;
            this.body = body == null ? "" : body;
        }

        public static Response of(int status, String body) {
            return new Response(status, -1, body);
        }

        public int status() {
            return status;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }

        public String body() {
            return body;
        }

        @Override
        public String toString() {
            return "Response{" + status + (retryAfterSeconds >= 0 ? ", retry-after " + retryAfterSeconds + "s" : "") + "}";
        }
    }
}
