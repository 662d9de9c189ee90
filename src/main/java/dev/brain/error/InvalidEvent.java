package dev.brain.error;

/** One event breaks the wire contract: a stable code and a message that names the field. Never the body. */
public final class InvalidEvent extends BadRequest {
    public InvalidEvent(String code, String message) {
        super(code, message);
    }
}
