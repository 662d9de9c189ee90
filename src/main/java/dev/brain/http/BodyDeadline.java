package dev.brain.http;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Bounds the time a request body may take to arrive, however it trickles. At the deadline the connection's
 * idle timeout drops to a millisecond: Jetty fails the blocked read with a TimeoutException, and the handler
 * can still answer 408 (the connection closes after it). Closing this before the deadline cancels it.
 */
public final class BodyDeadline implements AutoCloseable {
    private final EndPoint endPoint;
    private final long idleTimeout;
    private Scheduler.Task expiry;
    private boolean reading = true;
    private boolean expired;

    private BodyDeadline(EndPoint endPoint) {
        this.endPoint = endPoint;
        this.idleTimeout = endPoint.getIdleTimeout();
    }

    public static BodyDeadline start(HttpServletRequest req, Duration limit) {
        Request request = ServletContextRequest.getServletContextRequest(req);
        var deadline = new BodyDeadline(request.getConnectionMetaData().getConnection().getEndPoint());
        synchronized (deadline) {
            deadline.expiry = request.getComponents().getScheduler().schedule(deadline::expire, limit.toMillis(), TimeUnit.MILLISECONDS);
        }
        return deadline;
    }

    private synchronized void expire() {
        if (reading) {
            expired = true;
            endPoint.setIdleTimeout(1);
        }
    }

    /** Stops the clock; after an expiry, gives the connection its idle timeout back so the answer can be written. */
    @Override
    public synchronized void close() {
        reading = false;
        expiry.cancel();
        if (expired) {
            endPoint.setIdleTimeout(idleTimeout);
        }
    }

    /** Whether a failed read was this deadline (or another timeout) rather than the client hanging up. */
    public static boolean timedOut(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.util.concurrent.TimeoutException || c instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
