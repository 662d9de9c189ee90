package dev.brain.redact;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deterministic second line of defence behind the model: replaces what looks like personal
 * data with a bracketed tag. Order matters (URLs before emails before numbers).
 */
public final class Scrubber {
    private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?://|www\\.)[^\\s<>\"']+");
    private static final Pattern HAS_ID = Pattern.compile("\\d|[?&=]|[A-Za-z0-9_-]{16,}");
    private static final Pattern CARD_CANDIDATE = Pattern.compile("(?<![\\w+-])(?:\\d[ -]?){12,18}\\d(?![\\w-])");
    private static final Pattern PHONE_CANDIDATE = Pattern.compile(
            "(?<![\\w+])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{1,4}(?:[ .-]?\\d{2,4}){1,5}(?![\\w.])");
    private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern ID_AFTER_WORD = Pattern.compile(
            "(?i)\\b(order|ticket|case|invoice|acct|account|booking|reservation)(\\s*(?:no\\.?|number|#|id)?\\s*:?\\s*)[A-Z]*\\d[\\dA-Z-]{2,}");
    private static final Pattern EMAIL = Pattern.compile("(?i)[a-z0-9._%+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.[a-z]{2,}");
    private static final Pattern IBAN = Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\\b");
    private static final Pattern TAGGED_ID = Pattern.compile("#\\s?\\d{3,}|\\b[A-Z]{2,6}-\\d{2,}\\b");
    private static final Pattern LONG_NUMBER = Pattern.compile("\\b\\d{6,}\\b");

    private Scrubber() {
    }

    public static String scrub(String text) {
        if (text == null) {
            return null;
        }
        String s = replaceUrls(text);
        s = replaceCards(s);
        s = ID_AFTER_WORD.matcher(s).replaceAll("$1$2[id]");
        s = EMAIL.matcher(s).replaceAll("[email]");
        s = IBAN.matcher(s).replaceAll("[iban]");
        s = replacePhones(s);
        s = TAGGED_ID.matcher(s).replaceAll("[id]");
        s = LONG_NUMBER.matcher(s).replaceAll("[number]");
        return s;
    }

    // Only URLs that carry an identifier (digits, a query, a long token) are removed; a bare site stays.
    private static String replaceUrls(String s) {
        Matcher m = URL.matcher(s);
        var out = new StringBuilder();
        while (m.find()) {
            String url = m.group();
            String afterHost = url.replaceFirst("(?i)^(?:https?://)?[^/]*", "");
            m.appendReplacement(out, Matcher.quoteReplacement(HAS_ID.matcher(afterHost).find() ? "[url]" : url));
        }
        return m.appendTail(out).toString();
    }

    // A phone number has a leading + or (area) code, or at least 9 digits; dates and decimals are not phones.
    private static String replacePhones(String s) {
        Matcher m = PHONE_CANDIDATE.matcher(s);
        var out = new StringBuilder();
        while (m.find()) {
            String found = m.group();
            long digits = found.chars().filter(Character::isDigit).count();
            boolean marked = found.startsWith("+") || found.contains("(");
            boolean phone = !ISO_DATE.matcher(found).matches() && (digits >= 9 || (marked && digits >= 7));
            m.appendReplacement(out, Matcher.quoteReplacement(phone ? "[phone]" : found));
        }
        return m.appendTail(out).toString();
    }

    private static String replaceCards(String s) {
        Matcher m = CARD_CANDIDATE.matcher(s);
        var out = new StringBuilder();
        while (m.find()) {
            String digits = m.group().replaceAll("[ -]", "");
            boolean card = digits.length() >= 13 && digits.length() <= 19 && luhn(digits);
            m.appendReplacement(out, Matcher.quoteReplacement(card ? "[card]" : m.group()));
        }
        return m.appendTail(out).toString();
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean dbl = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }
}
