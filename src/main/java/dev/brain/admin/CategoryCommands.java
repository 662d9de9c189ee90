package dev.brain.admin;

import dev.brain.analytics.CategoryAliases;
import java.io.PrintStream;

/** `brain admin category alias|unalias|list`. */
record CategoryCommands(CategoryAliases aliases, PrintStream out, PrintStream err) {

    int alias(Args a) {
        String from = a.required("from");
        CategoryAliases.Aliasing r = aliases.alias(from, a.required("to"));
        return switch (r.result()) {
            case NOT_A_CATEGORY -> fail(2, "--from and --to must hold letters or digits");
            case SAME_CATEGORY -> fail(1, "'" + from + "' already normalises to '" + r.canonical() + "'; nothing to alias");
            case CANONICAL_IS_ALIAS -> fail(1, "'" + r.canonical() + "' is itself an alias of '" + r.chainedTo()
                    + "'; alias onto '" + r.chainedTo() + "' instead");
            case ALIASED -> {
                err.println("category '" + r.alias() + "' now reports as '" + r.canonical() + "'");
                yield 0;
            }
        };
    }

    int unalias(Args a) {
        CategoryAliases.Unaliasing r = aliases.unalias(a.required("from"));
        if (!r.removed()) {
            return fail(1, "no alias '" + r.alias() + "'");
        }
        err.println("category '" + r.alias() + "' reports as itself again");
        return 0;
    }

    int list(Args a) {
        var rows = aliases.list();
        out.println("category\treports_as\tsessions");
        // A category only an alias names prints as "null", as it always has.
        rows.forEach(r -> out.println(r.category() + "\t" + r.reportsAs() + "\t" + r.sessions()));
        return 0;
    }

    private int fail(int code, String message) {
        err.println(message);
        return code;
    }
}
