package dev.brain.http;

import java.util.Optional;

/** Looks up customer read tokens (the auth feature's table) for AdminAuth, which knows no feature. */
@FunctionalInterface
public interface ReadTokens {
    ReadTokens NONE = secret -> Optional.empty();

    /** The scope of an active read token, or empty when the secret is not one. */
    Optional<Scope> find(String secret);
}
