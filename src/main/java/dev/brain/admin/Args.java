package dev.brain.admin;

import dev.brain.error.UsageError;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** "--name value" pairs after the sub-command, checked against what the command accepts. */
final class Args {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}");
    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flagsSet = new HashSet<>();

    Args(String[] args, int from, Set<String> allowed) {
        this(args, from, allowed, Set.of());
    }

    /** flags: "--name" switches that take no value. */
    Args(String[] args, int from, Set<String> allowed, Set<String> flags) {
        for (int i = from; i < args.length; i++) {
            String name = args[i];
            if (name.startsWith("--") && flags.contains(name.substring(2))) {
                flagsSet.add(name.substring(2));
                continue;
            }
            if (!name.startsWith("--") || !allowed.contains(name.substring(2))) {
                throw new UsageError("unexpected argument '" + name + "'");
            }
            if (i + 1 >= args.length) {
                throw new UsageError(name + " needs a value");
            }
            values.put(name.substring(2), args[++i]);
        }
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            throw new UsageError("--" + name + " is required");
        }
        return v;
    }

    boolean flag(String name) {
        return flagsSet.contains(name);
    }

    String optional(String name) {
        return values.get(name);
    }

    String id(String name) {
        String v = required(name);
        if (!ID.matcher(v).matches()) {
            throw new UsageError("--" + name + " must be 1-128 characters of letters, digits, '_', '-', '.'");
        }
        return v;
    }

    String tier() {
        String t = required("tier");
        if (!t.equals("a") && !t.equals("b") && !t.equals("c")) {
            throw new UsageError("--tier must be a, b or c");
        }
        return t;
    }
}
