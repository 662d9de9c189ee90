package dev.brain.sdk;

/** The body of {@link Brain#run}: the work of one session, which may throw. */
@FunctionalInterface
public interface SessionAction<E extends Throwable> {
    void run(Session session) throws E;
}
