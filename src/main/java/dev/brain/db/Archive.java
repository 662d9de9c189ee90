package dev.brain.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.brain.error.ArchiveFailed;
import dev.brain.error.InvalidConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * BRAIN_ARCHIVE_DIR: each month retention is about to delete, as one gzip'd COPY file per table and a manifest
 * (row counts, SHA-256 of each file) under <dir>/YYYY-MM/. Every file is written under a temporary name and
 * renamed; the month is dropped only after each file was re-read and matched the database's count.
 */
public final class Archive {
    static final String FORMAT = "brain-archive-1";
    static final String MANIFEST = "manifest.json";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    // What the tier forbids in the database stays out of the archive, whatever an older row still holds.
    static final String PRIVACY = "payload.summary_raw only for customers on tier c with the switch on when archived";
    /** The tables retention deletes by month, each with the column that dates its rows. */
    static final Map<String, String> TABLES = tables();

    public record Column(String name, String type) {
    }

    public record FileEntry(String table, String file, long rows, long bytes, String sha256, List<Column> columns) {
    }

    public record Manifest(String format, String month, String createdAt, String privacy, List<FileEntry> files) {
        public long rows(String table) {
            return files.stream().filter(f -> f.table().equals(table)).mapToLong(FileEntry::rows).sum();
        }
    }

    /** A month on disk, and whether its files still match its manifest (problem is null when they do). */
    public record Listed(Manifest manifest, String problem) {
    }

    private final Path dir;

    private static Map<String, String> tables() {
        var t = new LinkedHashMap<String, String>();
        t.put("events", "ts");
        t.put("rejected_events", "rejected_at");
        return java.util.Collections.unmodifiableMap(t);
    }

    private Archive(Path dir) {
        this.dir = dir;
    }

    /** The archive directory, created if missing; an unwritable one stops start-up rather than the first drop. */
    public static Archive at(String dir) {
        Path p = Path.of(dir).toAbsolutePath();
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new InvalidConfig("BRAIN_ARCHIVE_DIR " + p + " cannot be created: " + e.getMessage());
        }
        if (!Files.isWritable(p)) {
            throw new InvalidConfig("BRAIN_ARCHIVE_DIR " + p + " is not writable");
        }
        return new Archive(p);
    }

    public Path dir() {
        return dir;
    }

    /**
     * Writes month `m` of every archived table, checks each file against the database's count in this
     * transaction, writes the manifest and records the month. Call it in the transaction that then deletes the month.
     */
    public Manifest write(Handle h, YearMonth m) {
        Path monthDir = dir.resolve(m.toString());
        List<FileEntry> files = new ArrayList<>();
        try {
            Files.createDirectories(monthDir);
            for (var t : TABLES.entrySet()) {
                files.add(writeTable(h, monthDir, t.getKey(), t.getValue(), m));
            }
            var manifest = new Manifest(FORMAT, m.toString(), Instant.now().toString(), PRIVACY, files);
            byte[] bytes = JSON.writeValueAsBytes(manifest);
            ArchiveFiles.writeBytes(monthDir.resolve(MANIFEST), bytes);
            String problem = check(m).problem();
            if (problem != null) {
                throw new ArchiveFailed("archive of " + m + " did not verify: " + problem);
            }
            h.createUpdate("""
                    insert into archived_months (month, directory, manifest_sha256, events, rejected_events)
                    values (:m, :dir, :sha, :events, :rejected)
                    on conflict (month) do update set archived_at = now(), directory = excluded.directory,
                      manifest_sha256 = excluded.manifest_sha256, events = excluded.events, rejected_events = excluded.rejected_events""")
                    .bind("m", m.atDay(1)).bind("dir", monthDir.toString()).bind("sha", ArchiveFiles.sha256Hex(bytes))
                    .bind("events", manifest.rows("events")).bind("rejected", manifest.rows("rejected_events")).execute();
            return manifest;
        } catch (ArchiveFailed e) {
            throw e;
        } catch (Exception e) {
            throw new ArchiveFailed("cannot archive " + m + " to " + monthDir + ": " + e.getMessage(), e);
        }
    }

    private FileEntry writeTable(Handle h, Path monthDir, String table, String dated, YearMonth m) throws Exception {
        List<Column> columns = columns(h, table);
        String range = "t." + dated + " >= '" + start(m) + "' and t." + dated + " < '" + start(m.plusMonths(1)) + "'";
        String file = table + ".copy.gz";
        long[] copied = {0};
        String sql = "copy (" + select(table, columns, range) + " order by t." + dated + ") to stdout";
        String sha = ArchiveFiles.writeGzip(monthDir.resolve(file), out -> copied[0] = copy(h).copyOut(sql, out));
        long inDb = h.createQuery("select count(*) from " + table + " t where " + range).mapTo(Long.class).one();
        ArchiveFiles.Checked c = ArchiveFiles.check(monthDir.resolve(file));
        if (c.rows() != copied[0] || c.rows() != inDb || !c.sha256().equals(sha)) {
            throw new ArchiveFailed(file + " of " + m + " holds " + c.rows() + " rows, COPY wrote " + copied[0] + ", the database has "
                    + inDb + (c.sha256().equals(sha) ? "" : ", and its checksum changed after writing"));
        }
        return new FileEntry(table, file, c.rows(), c.bytes(), sha, columns);
    }

    private static String select(String table, List<Column> columns, String range) {
        boolean events = table.equals("events");
        String list = columns.stream().map(c -> events && c.name().equals("payload")
                ? "case when c.privacy_tier = 'c' and c.tier_c_enabled then t.payload else (t.payload::jsonb - 'summary_raw')::" + c.type() + " end"
                : "t." + quote(c.name())).collect(Collectors.joining(", "));
        return "select " + list + " from " + (events ? "events t left join customers c on c.id = t.customer_id" : table + " t")
                + " where " + range;
    }

    static List<Column> columns(Handle h, String table) {
        return h.createQuery("""
                        select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a
                        where a.attrelid = cast(:t as regclass) and a.attnum > 0 and not a.attisdropped order by a.attnum""")
                .bind("t", table).map((rs, ctx) -> new Column(rs.getString(1), rs.getString(2))).list();
    }

    /** The months on disk, oldest first, each checked against its manifest. */
    public List<Listed> list() {
        try (Stream<Path> months = Files.list(dir)) {
            return months.filter(p -> Files.isRegularFile(p.resolve(MANIFEST))).map(p -> p.getFileName().toString()).sorted()
                    .map(name -> check(YearMonth.parse(name))).toList();
        } catch (IOException e) {
            throw new ArchiveFailed("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads month `m`'s manifest and re-reads each of its files: rows, size and checksum must all match. */
    public Listed check(YearMonth m) {
        Path monthDir = dir.resolve(m.toString());
        Manifest manifest;
        try {
            manifest = JSON.readValue(monthDir.resolve(MANIFEST).toFile(), Manifest.class);
        } catch (IOException e) {
            throw new ArchiveFailed("no readable archive of " + m + " in " + dir + ": " + e.getMessage(), e);
        }
        for (FileEntry f : manifest.files()) {
            if (!TABLES.containsKey(f.table()) || !f.file().equals(f.table() + ".copy.gz")) {
                return new Listed(manifest, "unexpected entry " + f.table() + "/" + f.file());
            }
            Path file = monthDir.resolve(f.file());
            if (!Files.isRegularFile(file)) {
                return new Listed(manifest, f.file() + " is missing");
            }
            ArchiveFiles.Checked c;
            try {
                c = ArchiveFiles.check(file);
            } catch (java.io.UncheckedIOException e) {
                return new Listed(manifest, f.file() + " is damaged: " + e.getCause().getMessage());
            }
            if (c.rows() != f.rows() || c.bytes() != f.bytes() || !c.sha256().equals(f.sha256())) {
                return new Listed(manifest, f.file() + " does not match the manifest (rows " + c.rows() + " vs " + f.rows() + ")");
            }
        }
        return new Listed(manifest, null);
    }

    Path monthDir(YearMonth m) {
        return dir.resolve(m.toString());
    }

    static CopyManager copy(Handle h) {
        try {
            return h.getConnection().unwrap(PGConnection.class).getCopyAPI();
        } catch (SQLException e) {
            throw new ArchiveFailed("not a PostgreSQL connection", e);
        }
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static Instant start(YearMonth m) {
        return m.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
