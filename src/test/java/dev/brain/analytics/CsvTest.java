package dev.brain.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CSV for spreadsheets: client-supplied text (tool and category names) must never start a formula. */
class CsvTest {

    private static List<Object> row(Object... cells) {
        return Arrays.asList(cells);
    }

    @Test
    void every_cell_a_spreadsheet_could_read_as_a_formula_gets_a_leading_quote() {
        var table = new Table(List.of("name", "calls"), List.of(
                row("=1+1", 1), row("+1", 2), row("-1", 3), row("@SUM(A1)", 4),
                row(" =cmd|' /C calc'!A0", 5), row("\t=1", 6), row("\r=1", 7), row("\n=1", 8), row(";=1", 9),
                row("\uFF1D1+1", 10), row("\uFF0B1", 11), row("\uFF0D1", 12), row("\uFF20SUM(A1)", 13),
                row("send_email", -14), row("a=b", 15), row(null, 16)));
        assertEquals("name,calls\r\n"
                + "'=1+1,1\r\n"
                + "'+1,2\r\n"
                + "'-1,3\r\n"
                + "'@SUM(A1),4\r\n"
                + "' =cmd|' /C calc'!A0,5\r\n"
                + "'\t=1,6\r\n"
                + "\"'\r=1\",7\r\n"
                + "\"'\n=1\",8\r\n"
                + "';=1,9\r\n"
                + "'\uFF1D1+1,10\r\n"
                + "'\uFF0B1,11\r\n"
                + "'\uFF0D1,12\r\n"
                + "'\uFF20SUM(A1),13\r\n"
                + "send_email,-14\r\n"
                + "a=b,15\r\n"
                + ",16\r\n", table.csv());
    }
}
