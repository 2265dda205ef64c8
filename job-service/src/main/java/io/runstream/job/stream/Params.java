package io.runstream.job.stream;

import io.runstream.platform.web.Problems;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Query parameter parsing shared by list and stream endpoints: comma lists, instants or unix seconds. */
public final class Params {

    private Params() {
    }

    /** {@code a,b} and repeated parameters alike; empty parts dropped; null when nothing is left. */
    public static List<String> split(List<String> values) {
        if (values == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (String value : values) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out.isEmpty() ? null : out;
    }

    /** An ISO-8601 instant or unix seconds; a 400 problem naming {@code field} otherwise. */
    public static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        try {
            if (text.matches("^\\d{1,12}(\\.\\d+)?$")) {
                double seconds = Double.parseDouble(text);
                return Instant.ofEpochMilli((long) (seconds * 1000));
            }
            return Instant.parse(text);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw Problems.invalidFields("Invalid time", List.of(new Problems.FieldError(field,
                    "must be an ISO-8601 instant or unix seconds")));
        }
    }
}
