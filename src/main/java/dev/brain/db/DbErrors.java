package dev.brain.db;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;

/** Tells "the database is away or overloaded, try again" (503) from a bug (500). */
public final class DbErrors {
    private DbErrors() {
    }

    public static boolean isUnavailable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLTransientConnectionException || c instanceof SQLRecoverableException
                    || c instanceof SQLTransientException) {
                return true;
            }
            if (c instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08 connection, 53 insufficient resources, 57P admin shutdown / crash, 40 serialization, 55P03 lock timeout
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.startsWith("40")
                        || state.equals("55P03") || state.equals("57014")) {
                    return true;
                }
            }
            if (c instanceof java.net.SocketException || c instanceof java.net.SocketTimeoutException
                    || c instanceof java.io.EOFException) {
                return true;
            }
            if (c == c.getCause()) {
                break;
            }
        }
        return false;
    }
}
