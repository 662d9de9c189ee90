package dev.brain.privacy;

import org.jdbi.v3.core.Jdbi;

/** The read-only brain_reader database role (for Metabase): its login password. */
public final class ReaderRole {
    private final Jdbi jdbi;

    public ReaderRole(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void setPassword(String password) {
        jdbi.useHandle(h -> h.execute(h.attach(PrivacyDao.class).readerPasswordStatement(password)));
    }
}
