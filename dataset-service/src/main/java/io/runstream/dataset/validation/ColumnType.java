package io.runstream.dataset.validation;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

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
        return i == n && (s.indexOf('e') < 0 && s.indexOf('E') < 0 || Double.isFinite(Double.parseDouble(s)));
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
        int year = number(s, 0, 4);
        int month = number(s, 5, 7);
        int day = number(s, 8, 10);
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
