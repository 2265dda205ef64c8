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
