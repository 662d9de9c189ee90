package dev.brain.ingest;

/** Why one event was refused: a stable code and a message that names the field. Never the body. */
public final class Rejection extends RuntimeException {
    private final String code;

    public Rejection(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
