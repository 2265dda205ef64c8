package io.runstream.model;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/** Lenient parsing of the values a CSV or a JSON form carries. */
public final class Values {

    private static final List<DateTimeFormatter> DATE_FORMATS = List.of(
            DateTimeFormatter.ISO_LOCAL_DATE,
            new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern("dd-MMM-yy").toFormatter(Locale.ENGLISH),
            new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern("dd-MMM-yyyy").toFormatter(Locale.ENGLISH),
            DateTimeFormatter.ofPattern("yyyy/MM/dd"),
            DateTimeFormatter.ofPattern("MM/dd/yyyy"));
    private static final List<DateTimeFormatter> DATE_TIME_FORMATS = List.of(
            DateTimeFormatter.ISO_LOCAL_DATE_TIME,
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"),
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"));

    private Values() {
    }

    public static boolean isMissing(String value) {
        if (value == null) {
            return true;
        }
        String v = value.strip();
        return v.isEmpty() || v.equalsIgnoreCase("null") || v.equalsIgnoreCase("nan") || v.equalsIgnoreCase("na")
                || v.equalsIgnoreCase("n/a") || v.equalsIgnoreCase("none");
    }

    public static OptionalDouble number(String value) {
        if (value != null && !value.isEmpty() && plainStart(value.charAt(0))) {
            // the common case (a plain number): parse at once, without stripping or copying the text
            double plain = plainDecimal(value);
            if (!Double.isNaN(plain)) {
                return OptionalDouble.of(plain);
            }
        }
        if (value != null && !value.isEmpty() && plainStart(value.charAt(0)) && value.indexOf('_') < 0) {
            try {
                double d = Double.parseDouble(value);
                return Double.isFinite(d) ? OptionalDouble.of(d) : OptionalDouble.empty();
            } catch (NumberFormatException e) {
                // e.g. trailing Unicode white space, which strip() below removes and parseDouble does not
            }
        }
        if (isMissing(value)) {
            return OptionalDouble.empty();
        }
        try {
            double d = Double.parseDouble(value.strip().replace("_", ""));
            return Double.isFinite(d) ? OptionalDouble.of(d) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;  // exact up to 1e22
        }
    }

    /**
     * Clinger's fast path: a decimal {@code [+-]digits[.digits][e[+-]digits]} with at most 15
     * significant digits and a power of ten within 10^±22 is the correctly rounded result of one
     * exact multiplication or division, i.e. exactly what {@link Double#parseDouble} answers.
     * NaN when the text is not of that shape (callers then use parseDouble).
     */
    static double plainDecimal(String s) {
        // one parser for both: a String's copy costs less than the second implementation it replaces, and the
        // hot caller (the training CSV reader) already has the chars
        return plainDecimal(s.toCharArray(), 0, s.length());
    }

    /**
     * {@link #plainDecimal(String)} on {@code length} chars of {@code text} from {@code offset},
     * without making a String of them (a CSV reader's buffer): the number when the chars are a
     * plain decimal within Clinger's fast path, exactly what {@link #number} answers for that text;
     * NaN otherwise (empty, missing, decorated, text, or outside the fast path: callers then make
     * the String and use {@link #number}).
     */
    public static double plainDecimal(char[] text, int offset, int length) {
        if (length == 0 || !plainStart(text[offset])) {
            return Double.NaN;
        }
        int n = offset + length;
        int i = offset;
        char c = text[i];
        boolean negative = c == '-';
        if (c == '-' || c == '+') {
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int scale = 0;
        boolean anyDigit = false;
        boolean dot = false;
        for (; i < n; i++) {
            c = text[i];
            if (c >= '0' && c <= '9') {
                anyDigit = true;
                if (dot) {
                    scale--;
                }
                if (mantissa == 0 && c == '0') {
                    continue;  // a leading zero is not a significant digit
                }
                if (++digits > 15) {
                    return Double.NaN;
                }
                mantissa = mantissa * 10 + (c - '0');
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                break;
            }
        }
        if (!anyDigit) {
            return Double.NaN;
        }
        if (i < n) {
            if (c != 'e' && c != 'E' || ++i == n) {
                return Double.NaN;
            }
            boolean negativeExponent = text[i] == '-';
            if (text[i] == '-' || text[i] == '+') {
                if (++i == n) {
                    return Double.NaN;
                }
            }
            int exponent = 0;
            for (; i < n; i++) {
                c = text[i];
                if (c < '0' || c > '9' || exponent > 1000) {
                    return Double.NaN;
                }
                exponent = exponent * 10 + (c - '0');
            }
            scale += negativeExponent ? -exponent : exponent;
        }
        double value;
        if (mantissa == 0) {
            value = 0;
        } else if (scale >= 0 && scale < POWERS_OF_TEN.length) {
            value = mantissa * POWERS_OF_TEN[scale];
        } else if (scale < 0 && -scale < POWERS_OF_TEN.length) {
            value = mantissa / POWERS_OF_TEN[-scale];
        } else {
            return Double.NaN;
        }
        return negative ? -value : value;
    }

    private static boolean plainStart(char c) {
        return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
    }

    /** 1 for true-like, 0 for false-like words; empty otherwise. */
    public static OptionalDouble bool(String value) {
        if (isMissing(value)) {
            return OptionalDouble.empty();
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "y", "1", "1.0" -> OptionalDouble.of(1);
            case "false", "f", "no", "n", "0", "0.0" -> OptionalDouble.of(0);
            default -> OptionalDouble.empty();
        };
    }

    /** A date or date-time as a UTC date-time; {@code null} when it is not one. */
    public static LocalDateTime dateTime(String value) {
        if (isMissing(value)) {
            return null;
        }
        String v = value.strip();
        try {
            return OffsetDateTime.parse(v).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
        } catch (RuntimeException ignored) {
            // not an offset date-time
        }
        try {
            return LocalDateTime.ofInstant(Instant.parse(v), ZoneOffset.UTC);
        } catch (RuntimeException ignored) {
            // not an instant
        }
        for (DateTimeFormatter format : DATE_TIME_FORMATS) {
            try {
                return LocalDateTime.parse(v, format);
            } catch (RuntimeException ignored) {
                // next format
            }
        }
        for (DateTimeFormatter format : DATE_FORMATS) {
            try {
                return LocalDate.parse(v, format).atStartOfDay();
            } catch (RuntimeException ignored) {
                // next format
            }
        }
        return null;
    }

    /** Days since the epoch (fractional for date-times); empty when not a date. */
    public static OptionalDouble epochDays(String value) {
        LocalDateTime t = dateTime(value);
        if (t == null) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(t.toEpochSecond(ZoneOffset.UTC) / 86400.0);
    }
}
