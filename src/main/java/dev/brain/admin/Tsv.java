package dev.brain.admin;

import java.util.Arrays;
import java.util.stream.Collectors;

/** One tab-separated output line; a missing value is an empty cell. */
final class Tsv {
    private Tsv() {
    }

    static String row(Object... cells) {
        return Arrays.stream(cells).map(c -> c == null ? "" : c.toString()).collect(Collectors.joining("\t"));
    }
}
