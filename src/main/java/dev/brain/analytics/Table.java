package dev.brain.analytics;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A query answer: column names in order, and rows of JSON-ready values (ISO dates, plain numbers). */
public record Table(List<String> columns, List<List<Object>> rows) {
    // OWASP's formula triggers, plus what spreadsheets skip or also accept before one: blanks, ';' and full-width forms.
    private static final String FORMULA_STARTS = "=+-@\t\r\n ;\uFF1D\uFF0B\uFF0D\uFF20";

    public static Table from(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        List<String> columns = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            columns.add(md.getColumnLabel(i));
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                row.add(value(rs, i, md.getColumnType(i)));
            }
            rows.add(row);
        }
        return new Table(List.copyOf(columns), rows);
    }

    private static Object value(ResultSet rs, int i, int type) throws SQLException {
        Object v = switch (type) {
            case Types.DATE -> {
                var d = rs.getDate(i);
                yield d == null ? null : d.toLocalDate().toString();
            }
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
                var t = rs.getObject(i, OffsetDateTime.class);
                yield t == null ? null : t.toInstant().toString();
            }
            case Types.NUMERIC, Types.DECIMAL -> plain(rs.getBigDecimal(i));
            default -> rs.getObject(i);
        };
        return rs.wasNull() ? null : v;
    }

    // 12.50 -> 12.5 and 300.00 -> 300, so JSON and CSV carry no noise digits.
    private static Object plain(BigDecimal d) {
        if (d == null) {
            return null;
        }
        BigDecimal s = d.stripTrailingZeros();
        if (s.scale() <= 0 && s.precision() - s.scale() <= 18) {
            return s.longValueExact();
        }
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    public List<Map<String, Object>> objects() {
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                m.put(columns.get(i), row.get(i));
            }
            out.add(m);
        }
        return out;
    }

    /** RFC 4180: comma separated, CRLF, fields quoted when they hold a comma, quote or line break; text never starts a formula. */
    public String csv() {
        var sb = new StringBuilder();
        line(sb, new ArrayList<>(columns));
        rows.forEach(r -> line(sb, r));
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<Object> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object f = fields.get(i);
            String s = f == null ? "" : f instanceof BigDecimal b ? b.toPlainString() : f.toString();
            if (f instanceof String && !s.isEmpty() && FORMULA_STARTS.indexOf(s.charAt(0)) >= 0) {
                s = "'" + s; // a spreadsheet must not run a client-supplied tool or category name as a formula
            }
            if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                s = '"' + s.replace("\"", "\"\"") + '"';
            }
            sb.append(s);
        }
        sb.append("\r\n");
    }
}
