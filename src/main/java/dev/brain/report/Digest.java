package dev.brain.report;

import java.time.LocalDate;
import java.util.List;

/** The weekly digest as data: titled sections of text cells, rendered as Markdown, HTML or JSON. */
public record Digest(LocalDate since, LocalDate until, String customer, List<Section> sections) {

    /** One part of the digest; `rows` empty means nothing happened there this week. */
    public record Section(String title, String note, List<String> columns, List<List<String>> rows) {
    }

    /** The first day after the week, inclusive of `since`: [since, until). */
    public String title() {
        return "Brain weekly digest: " + since + " to " + until.minusDays(1) + (customer == null ? "" : " — " + customer);
    }
}
