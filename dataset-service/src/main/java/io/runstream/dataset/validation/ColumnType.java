package io.runstream.dataset.validation;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.runstream.dataset.csv.RowBuffer;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;

/**
 * The column types of templates. Each parses a raw CSV value into its canonical text (what the
 * validated copy stores) or answers null when the value is not of the type.
 */
public enum ColumnType {
    STRING("String"),
    INTEGER("Integer"),
    FLOAT("Float"),
    BOOLEAN("Boolean"),
    DATE("Date"),
    TIMESTAMP("Timestamp");

    private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm[:ss][.SSSSSSSSS][.SSSSSS][.SSS]")
            .withResolverStyle(ResolverStyle.STRICT);

    private final String wireName;

    ColumnType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** Accepts the wire names and common aliases, case-insensitively; null when unknown. */
    @JsonCreator
    public static ColumnType parse(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "string", "str", "text", "varchar" -> STRING;
            case "integer", "int", "long", "bigint" -> INTEGER;
            case "float", "double", "decimal", "number", "numeric" -> FLOAT;
            case "boolean", "bool" -> BOOLEAN;
            case "date" -> DATE;
            case "timestamp", "datetime" -> TIMESTAMP;
            default -> null;
        };
    }

    /** The canonical text of {@code raw} (already trimmed, not empty), or null when it is not of this type. */
    public String canonical(String raw) {
        switch (this) {
            case STRING:
                return raw;
            case INTEGER:
                return isInteger(raw) ? normalizeInteger(raw) : null;
            case FLOAT:
                return isDecimal(raw) ? raw : null;
            case BOOLEAN:
                return booleanText(raw);
            case DATE:
                if (raw.length() == 10 && isIsoDate(raw)) {
                    return raw;
                }
                try {
                    return LocalDate.parse(raw).toString();
                } catch (DateTimeParseException e) {
                    return null;
                }
            case TIMESTAMP:
                return timestampText(raw);
            default:
                return null;
        }
    }

    /**
     * Appends the canonical text of {@code chars[start, end)} (already trimmed, not empty) to {@code row}; false when
     * it is not of this type. The answers are those of {@link #canonical(String)}: the common forms are checked on
     * the characters (no String), anything else goes through {@code canonical}.
     */
    public boolean appendCanonical(char[] chars, int start, int end, RowBuffer row) {
        switch (this) {
            case STRING:
                row.text(chars, start, end);
                return true;
            case INTEGER:
                if (isShortInteger(chars, start, end)) {
                    row.plain(chars, chars[start] == '+' ? start + 1 : start, end);
                    return true;
                }
                break;
            case FLOAT:
                if (isPlainDecimal(chars, start, end)) {
                    row.plain(chars, start, end);
                    return true;
                }
                break;
            case BOOLEAN:
                int truth = booleanValue(chars, start, end);
                if (truth >= 0) {
                    row.plain(truth == 1 ? "true" : "false");
                    return true;
                }
                break;
            case DATE:
                if (end - start == 10 && isIsoDate(chars, start)) {
                    row.plain(chars, start, end);
                    return true;
                }
                break;
            case TIMESTAMP:
                if (appendFastTimestamp(chars, start, end, row)) {
                    return true;
                }
                break;
            default:
                break;
        }
        String canonical = canonical(new String(chars, start, end - start));
        if (canonical == null) {
            return false;
        }
        row.plain(canonical);
        return true;
    }

    /** Whether {@code chars[start, end)} (trimmed, not empty) is of this type: {@code canonical(...) != null}. */
    boolean accepts(char[] chars, int start, int end) {
        boolean fast = switch (this) {
            case STRING -> true;
            case INTEGER -> isShortInteger(chars, start, end);
            case FLOAT -> isPlainDecimal(chars, start, end);
            case BOOLEAN -> booleanValue(chars, start, end) >= 0;
            case DATE -> end - start == 10 && isIsoDate(chars, start);
            case TIMESTAMP -> fastTimestampForm(chars, start, end) >= 0;
        };
        return fast || canonical(new String(chars, start, end - start)) != null;
    }

    /** An optional sign and 1 to 18 ASCII digits: always a long (19 digits may not be, and take the String path). */
    private static boolean isShortInteger(char[] c, int start, int end) {
        int i = start;
        if (c[i] == '-' || c[i] == '+') {
            i++;
        }
        if (i == end || end - i > 18) {
            return false;
        }
        for (; i < end; i++) {
            if (c[i] < '0' || c[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /** Optional sign, ASCII digits, optional fraction, no exponent: a finite decimal (anything else: String path). */
    private static boolean isPlainDecimal(char[] c, int start, int end) {
        int i = start;
        if (c[i] == '-' || c[i] == '+') {
            i++;
        }
        int digits = 0;
        while (i < end && c[i] >= '0' && c[i] <= '9') {
            i++;
            digits++;
        }
        if (i < end && c[i] == '.') {
            i++;
            while (i < end && c[i] >= '0' && c[i] <= '9') {
                i++;
                digits++;
            }
        }
        return digits > 0 && i == end;
    }

    /** 1 for the ASCII true words (any case), 0 for the false ones, -1 otherwise (then the String path decides). */
    private static int booleanValue(char[] c, int start, int end) {
        switch (end - start) {
            case 1:
                return switch (lower(c[start])) {
                    case 't', 'y', '1' -> 1;
                    case 'f', 'n', '0' -> 0;
                    default -> -1;
                };
            case 2:
                return lower(c[start]) == 'n' && lower(c[start + 1]) == 'o' ? 0 : -1;
            case 3:
                return lower(c[start]) == 'y' && lower(c[start + 1]) == 'e' && lower(c[start + 2]) == 's' ? 1 : -1;
            case 4:
                return lower(c[start]) == 't' && lower(c[start + 1]) == 'r' && lower(c[start + 2]) == 'u'
                        && lower(c[start + 3]) == 'e' ? 1 : -1;
            case 5:
                return lower(c[start]) == 'f' && lower(c[start + 1]) == 'a' && lower(c[start + 2]) == 'l'
                        && lower(c[start + 3]) == 's' && lower(c[start + 4]) == 'e' ? 0 : -1;
            default:
                return -1;
        }
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    /**
     * The form of a fast timestamp ({@link #fastTimestamp}) on characters: -1 when it is none, else the second
     * (0..59) plus 100 when it ends with Z.
     */
    private static int fastTimestampForm(char[] c, int start, int end) {
        int n = end - start;
        if ((n != 19 && !(n == 20 && c[start + 19] == 'Z')) || !isIsoDate(c, start)) {
            return -1;
        }
        char separator = c[start + 10];
        if ((separator != 'T' && separator != ' ') || c[start + 13] != ':' || c[start + 16] != ':'
                || !digits(c, start + 11, start + 13) || !digits(c, start + 14, start + 16) || !digits(c, start + 17, start + 19)) {
            return -1;
        }
        int hour = number(c, start + 11, start + 13);
        int minute = number(c, start + 14, start + 16);
        int second = number(c, start + 17, start + 19);
        if (hour > 23 || minute > 59 || second > 59) {
            return -1;
        }
        return n == 20 ? 100 + second : second;
    }

    /** {@link #fastTimestamp} on characters, appending what it would answer. */
    private static boolean appendFastTimestamp(char[] c, int start, int end, RowBuffer row) {
        int form = fastTimestampForm(c, start, end);
        if (form < 0) {
            return false;
        }
        boolean zulu = form >= 100;
        int second = form % 100;
        char separator = c[start + 10];
        if (separator == 'T' && (zulu || second != 0)) {
            row.plain(c, start, end);
            return true;
        }
        char[] out = new char[20];
        System.arraycopy(c, start, out, 0, 10);
        out[10] = 'T';
        if (zulu) {
            System.arraycopy(c, start + 11, out, 11, 8);
            out[19] = 'Z';
            row.plain(out, 0, 20);
        } else if (second == 0) {
            System.arraycopy(c, start + 11, out, 11, 5);
            row.plain(out, 0, 16);
        } else {
            System.arraycopy(c, start + 11, out, 11, 8);
            row.plain(out, 0, 19);
        }
        return true;
    }

    private static boolean isIsoDate(char[] c, int start) {
        if (c[start + 4] != '-' || c[start + 7] != '-' || !digits(c, start, start + 4) || !digits(c, start + 5, start + 7)
                || !digits(c, start + 8, start + 10)) {
            return false;
        }
        return realDate(number(c, start, start + 4), number(c, start + 5, start + 7), number(c, start + 8, start + 10));
    }

    private static boolean digits(char[] c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (c[i] < '0' || c[i] > '9') {
                return false;
            }
        }
        return true;
    }

    private static int number(char[] c, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + (c[i] - '0');
        }
        return value;
    }

    private static boolean realDate(int year, int month, int day) {
        if (month < 1 || month > 12 || day < 1) {
            return false;
        }
        boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        int length = switch (month) {
            case 2 -> leap ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
        return day <= length;
    }

    /** The canonical text as a JSON-friendly value: Long, Double, Boolean or String. */
    public Object typed(String canonical) {
        if (canonical == null || canonical.isEmpty()) {
            return null;
        }
        return switch (this) {
            case INTEGER -> Long.parseLong(canonical);
            case FLOAT -> Double.parseDouble(canonical);
            case BOOLEAN -> Boolean.parseBoolean(canonical);
            default -> canonical;
        };
    }

    public boolean isNumeric() {
        return this == INTEGER || this == FLOAT;
    }

    /** The reason slug of a value that does not parse as this type. */
    public String invalidReason() {
        return "invalid_" + name().toLowerCase(Locale.ROOT);
    }

    static boolean isInteger(String s) {
        int i = 0;
        int n = s.length();
        if (n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            i = 1;
        }
        if (i == n || n - i > 19) {
            return false;
        }
        for (int j = i; j < n; j++) {
            char c = s.charAt(j);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return n - i < 19 || fitsLong(s);
    }

    private static boolean fitsLong(String s) {
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String normalizeInteger(String s) {
        return s.charAt(0) == '+' ? s.substring(1) : s;
    }

    /** Plain decimal notation with optional exponent; no NaN, Infinity, hex or suffixes. */
    static boolean isDecimal(String s) {
        int i = 0;
        int n = s.length();
        if (n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            i++;
        }
        int digits = 0;
        while (i < n && Character.isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && Character.isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
                i++;
            }
            int exponent = 0;
            while (i < n && Character.isDigit(s.charAt(i))) {
                i++;
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        // without an exponent a decimal is finite; with one it may overflow to Infinity
        return i == n && (s.indexOf('e') < 0 && s.indexOf('E') < 0 || isFiniteDouble(s));
    }

    /** Double.parseDouble reads ASCII digits only: other Unicode digits with an exponent are not a Float (no exception). */
    private static boolean isFiniteDouble(String s) {
        try {
            return Double.isFinite(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String booleanText(String s) {
        if (s.length() > 5) {
            return null;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "y", "1" -> "true";
            case "false", "f", "no", "n", "0" -> "false";
            default -> null;
        };
    }

    /** ISO-8601 with offset (kept as the instant in UTC), or a local date-time with T or a space. */
    private static String timestampText(String s) {
        if (s.length() < 16 || s.charAt(4) != '-') {
            return null;
        }
        String fast = fastTimestamp(s);
        if (fast != null) {
            return fast;
        }
        try {
            return OffsetDateTime.parse(s).toInstant().toString();
        } catch (DateTimeParseException ignored) {
            // fall through to the local forms
        }
        try {
            return LocalDateTime.parse(s).toString();
        } catch (DateTimeParseException ignored) {
            // fall through
        }
        try {
            return LocalDateTime.parse(s, SPACED).toString();
        } catch (DateTimeParseException e) {
            return null;
        }
    }


    /**
     * The common forms without java.time's parser (several times faster): {@code yyyy-MM-ddTHH:mm:ssZ}
     * and local {@code yyyy-MM-dd[T ]HH:mm:ss}. The answers equal what the general path produces
     * (Instant.toString, LocalDateTime.toString); anything else answers null and takes that path.
     */
    private static String fastTimestamp(String s) {
        int n = s.length();
        if ((n != 19 && !(n == 20 && s.charAt(19) == 'Z')) || !isIsoDate(s.substring(0, 10))) {
            return null;
        }
        char separator = s.charAt(10);
        if ((separator != 'T' && separator != ' ') || s.charAt(13) != ':' || s.charAt(16) != ':'
                || !digits(s, 11, 13) || !digits(s, 14, 16) || !digits(s, 17, 19)) {
            return null;
        }
        int hour = number(s, 11, 13);
        int minute = number(s, 14, 16);
        int second = number(s, 17, 19);
        if (hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        if (separator == 'T' && (n == 20 || second != 0)) {
            return s; // already canonical: no copy
        }
        String date = s.substring(0, 10);
        if (n == 20) {
            return date + 'T' + s.substring(11, 19) + 'Z';
        }
        return date + 'T' + (second == 0 ? s.substring(11, 16) : s.substring(11, 19));
    }

    /** {@code yyyy-MM-dd} with a real month and day (leap years included). */
    static boolean isIsoDate(String s) {
        if (s.length() != 10 || s.charAt(4) != '-' || s.charAt(7) != '-' || !digits(s, 0, 4) || !digits(s, 5, 7)
                || !digits(s, 8, 10)) {
            return false;
        }
        return realDate(number(s, 0, 4), number(s, 5, 7), number(s, 8, 10));
    }

    private static boolean digits(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static int number(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + (s.charAt(i) - '0');
        }
        return value;
    }
}
