package dev.brain.report;

import java.util.List;

/** The digest as Markdown (CLI, files, Slack) or HTML; every cell is escaped, since names come from clients. */
public final class DigestFormat {
    static final String NOTHING = "Nothing this week.";

    private DigestFormat() {
    }

    public static String markdown(Digest d) {
        var sb = new StringBuilder("# ").append(md(d.title())).append("\n");
        for (Digest.Section s : d.sections()) {
            sb.append("\n## ").append(s.title()).append("\n\n").append(s.note()).append("\n\n");
            if (s.rows().isEmpty()) {
                sb.append(NOTHING).append("\n");
                continue;
            }
            sb.append(mdRow(s.columns())).append("|");
            s.columns().forEach(c -> sb.append("---|"));
            sb.append("\n");
            s.rows().forEach(r -> sb.append(mdRow(r)));
        }
        return sb.toString();
    }

    public static String html(Digest d) {
        var sb = new StringBuilder("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(html(d.title())).append("</title></head>\n<body>\n<h1>").append(html(d.title())).append("</h1>\n");
        for (Digest.Section s : d.sections()) {
            sb.append("<h2>").append(html(s.title())).append("</h2>\n<p>").append(html(s.note())).append("</p>\n");
            if (s.rows().isEmpty()) {
                sb.append("<p>").append(NOTHING).append("</p>\n");
                continue;
            }
            sb.append("<table>\n<tr>");
            s.columns().forEach(c -> sb.append("<th>").append(html(c)).append("</th>"));
            sb.append("</tr>\n");
            for (List<String> r : s.rows()) {
                sb.append("<tr>");
                r.forEach(c -> sb.append("<td>").append(html(c)).append("</td>"));
                sb.append("</tr>\n");
            }
            sb.append("</table>\n");
        }
        return sb.append("</body></html>\n").toString();
    }

    /**
     * Slack's mrkdwn shows Markdown's backslashes as they are, so they go; its own escaping then applies: a client's name
     * can neither mention @channel nor make a link.
     */
    public static String slack(String markdown) {
        return markdown.replaceAll("\\\\([\\\\|*_`\\[\\]<>])", "$1").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String mdRow(List<String> cells) {
        var sb = new StringBuilder("|");
        cells.forEach(c -> sb.append(' ').append(md(c)).append(" |"));
        return sb.append("\n").toString();
    }

    static String md(String s) {
        if (s == null) {
            return "—";
        }
        var sb = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            if (ch == '\n' || ch == '\r' || ch == '\t') {
                sb.append(' ');
            } else {
                if ("\\|*_`[]<>".indexOf(ch) >= 0) {
                    sb.append('\\');
                }
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    static String html(String s) {
        if (s == null) {
            return "—";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
