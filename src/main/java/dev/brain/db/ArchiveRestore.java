package dev.brain.db;

import dev.brain.error.ArchiveFailed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * `brain archive restore --month YYYY-MM`: brings an archived month back for an audit, into its own tables in
 * schema brain_archive (events_yYYYYmMM, rejected_events_yYYYYmMM), never into the live tables. Idempotent: a
 * second restore replaces the first in one transaction. The customer's tier today applies again on the way in.
 */
public final class ArchiveRestore {
    public static final String SCHEMA = "brain_archive";
    // Types as format_type prints them; a manifest edited to smuggle SQL in a type is refused.
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9 _]*(\\([0-9]+(,[0-9]+)?\\))?(\\[\\])?");

    /** A table restored: where, and how many rows. */
    public record Restored(String table, long rows) {
    }

    private final Archive archive;
    private final Jdbi jdbi;

    public ArchiveRestore(Archive archive, Jdbi jdbi) {
        this.archive = archive;
        this.jdbi = jdbi;
    }

    public List<Restored> restore(YearMonth m) {
        Archive.Listed listed = archive.check(m);
        if (listed.problem() != null) {
            throw new ArchiveFailed("archive of " + m + " does not verify, nothing restored: " + listed.problem());
        }
        return jdbi.inTransaction(h -> {
            h.execute("create schema if not exists " + SCHEMA);
            List<Restored> out = new ArrayList<>();
            for (Archive.FileEntry f : listed.manifest().files()) {
                out.add(restore(h, m, f));
            }
            return out;
        });
    }

    private Restored restore(Handle h, YearMonth m, Archive.FileEntry f) {
        String table = SCHEMA + "." + String.format("%s_y%04dm%02d", f.table(), m.getYear(), m.getMonthValue());
        String columns = f.columns().stream().map(c -> {
            if (!TYPE.matcher(c.type()).matches()) {
                throw new ArchiveFailed("manifest of " + m + " names an unexpected type '" + c.type() + "'");
            }
            return Archive.quote(c.name()) + " " + c.type();
        }).collect(Collectors.joining(", "));
        h.execute("drop table if exists " + table);
        h.execute("create table " + table + " (" + columns + ")");
        long rows;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive.monthDir(m).resolve(f.file())), 1 << 16)) {
            rows = Archive.copy(h).copyIn("copy " + table + " from stdin", in);
        } catch (IOException | java.sql.SQLException e) {
            throw new ArchiveFailed("cannot restore " + f.file() + " of " + m + ": " + e.getMessage(), e);
        }
        if (rows != f.rows()) {
            throw new ArchiveFailed(f.file() + " of " + m + " restored " + rows + " rows, its manifest says " + f.rows());
        }
        if (f.table().equals("events") && f.columns().stream().anyMatch(c -> c.name().equals("payload") && c.type().equals("jsonb"))) {
            h.execute("update " + table + " r set payload = payload - 'summary_raw' where jsonb_exists(payload, 'summary_raw') and not exists "
                    + "(select 1 from customers c where c.id = r.customer_id and c.privacy_tier = 'c' and c.tier_c_enabled)");
        }
        return new Restored(table, rows);
    }
}
