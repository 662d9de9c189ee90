package dev.brain.redact;

/** With no ANTHROPIC_API_KEY: the deterministic scrubber alone, cut to 120 characters. */
public final class ScrubberRedactor implements Redactor {

    @Override
    public String redact(String raw) {
        return shorten(Scrubber.scrub(oneLine(raw)));
    }

    @Override
    public boolean usesModel() {
        return false;
    }

    static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").trim();
    }

    // Cut at a word boundary when there is one; never in the middle of a [tag].
    static String shorten(String s) {
        if (s.codePointCount(0, s.length()) <= MAX_CHARS) {
            return s;
        }
        String cut = s.substring(0, s.offsetByCodePoints(0, MAX_CHARS - 1));
        int open = cut.lastIndexOf('[');
        if (open > cut.lastIndexOf(']')) {
            cut = cut.substring(0, open);
        }
        int space = cut.lastIndexOf(' ');
        if (space > MAX_CHARS / 2) {
            cut = cut.substring(0, space);
        }
        return cut.stripTrailing() + "…";
    }
}
