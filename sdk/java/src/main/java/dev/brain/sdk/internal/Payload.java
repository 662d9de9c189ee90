package dev.brain.sdk.internal;

/**
 * An event's payload, written on the SDK thread. {@code level} 0 is the full payload; higher
 * levels shrink it, for when it does not fit the brain's payload limit.
 */
public interface Payload {

    /** Writes the payload object; returns false when {@code level} cannot shrink it further. */
    boolean write(StringBuilder out, int level);
}
