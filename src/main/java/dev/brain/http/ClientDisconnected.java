package dev.brain.http;

/** The client went away before its request body arrived: its problem, not the server's, and nobody to answer. */
final class ClientDisconnected extends RuntimeException {
    ClientDisconnected(Throwable cause) {
        super("client disconnected while sending the body", cause, false, false);
    }
}
