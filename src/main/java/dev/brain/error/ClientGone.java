package dev.brain.error;

/** The client went away before its request body arrived: its problem, not the server's, and nobody to answer. */
public final class ClientGone extends BrainException {
    public ClientGone(Throwable cause) {
        super("client_disconnected", "client disconnected while sending the body", cause);
    }
}
