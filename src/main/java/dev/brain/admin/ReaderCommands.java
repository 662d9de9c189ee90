package dev.brain.admin;

import dev.brain.error.UsageError;
import dev.brain.privacy.ReaderRole;
import java.io.PrintStream;

/** `brain admin reader set-password`. */
record ReaderCommands(ReaderRole reader, PrintStream err) {

    int setPassword(Args a) {
        String password = a.required("password");
        if (password.length() < 8) {
            throw new UsageError("--password must be at least 8 characters");
        }
        reader.setPassword(password);
        err.println("brain_reader can now log in with that password");
        return 0;
    }
}
