package dev.brain.sdk;

/** The body of {@link Brain#call}: the work of one session, returning a value, which may throw. */
@FunctionalInterface
public interface SessionCallable<T, E extends Throwable> {
    T call(Session session) throws E;
}
