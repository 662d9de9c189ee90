package dev.brain.hook;

/** The two ways the hook tidies text for a payload. */
final class Text {
    private Text() {
    }

    static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Whitespace runs become one space; cut at {@code max} characters without splitting a surrogate pair. */
    static String oneLine(String text, int max) {
        String line = text.replaceAll("\\s+", " ").trim();
        if (line.length() <= max) {
            return line;
        }
        int end = Character.isHighSurrogate(line.charAt(max - 1)) ? max - 1 : max;
        return line.substring(0, end);
    }
}
