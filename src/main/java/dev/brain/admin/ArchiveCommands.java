package dev.brain.admin;

import dev.brain.db.Archive;
import dev.brain.db.ArchiveRestore;
import dev.brain.error.UsageError;
import java.io.PrintStream;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;

/** `brain archive list` and `brain archive restore --month YYYY-MM`: results on stdout; exit 1 when a month is damaged. */
public final class ArchiveCommands {
    private ArchiveCommands() {
    }

    public static int list(Archive archive, PrintStream out) {
        int damaged = 0;
        out.println("month\tevents\trejected_events\tbytes\tarchived_at\tstatus");
        for (Archive.Listed l : archive.list()) {
            Archive.Manifest m = l.manifest();
            long bytes = m.files().stream().mapToLong(Archive.FileEntry::bytes).sum();
            out.println(m.month() + "\t" + m.rows("events") + "\t" + m.rows("rejected_events") + "\t" + bytes + "\t" + m.createdAt()
                    + "\t" + (l.problem() == null ? "ok" : "DAMAGED: " + l.problem()));
            damaged += l.problem() == null ? 0 : 1;
        }
        return damaged == 0 ? 0 : 1;
    }

    public static int restore(ArchiveRestore restore, String month, PrintStream out) {
        YearMonth m;
        try {
            m = YearMonth.parse(month);
        } catch (DateTimeParseException e) {
            throw new UsageError("--month must be YYYY-MM, got '" + month + "'");
        }
        for (ArchiveRestore.Restored r : restore.restore(m)) {
            out.println(r.table() + "\t" + r.rows() + " rows");
        }
        return 0;
    }
}
