package io.runstream.inference.prediction;

import io.runstream.platform.web.Problems;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One page of {@code GET /predictions}: the filters, then {@code limit} + {@code offset} (as job-service's
 * {@code GET /runs}) and a keyset {@code cursor} (the last prediction id of the previous page, newest first)
 * for deep pages. The log of a busy model holds millions of rows, so a page is always bounded.
 */
record PredictionQuery(long trainId, String type, String workloadId, String clientId, int limit, int offset,
                       Long cursor) {

    static final int DEFAULT_LIMIT = 100;
    /** Offsets make PostgreSQL read and discard every skipped row; deeper pages use the cursor. */
    static final int MAX_OFFSET = 100_000;
    static final Set<String> TYPES = Set.of("realtime", "batch", "forecast");

    /** Parses the query parameters as sent; every bad one is reported at once (400, {@code errors}). */
    static PredictionQuery parse(long trainId, String type, String workloadId, String clientId, String limit,
                                 String offset, String cursor, int maxLimit) {
        List<Problems.FieldError> errors = new ArrayList<>();
        String kind = blank(type);
        if (kind != null && !TYPES.contains(kind)) {
            errors.add(new Problems.FieldError("prediction_type", "must be one of realtime, batch, forecast"));
        }
        for (String[] filter : new String[][]{{"workload_id", workloadId}, {"client_id", clientId}}) {
            if (filter[1] != null && filter[1].indexOf('\0') >= 0) {
                // PostgreSQL rejects it in text; the log never stores it (predictions with it are refused)
                errors.add(new Problems.FieldError(filter[0], "must not contain the NUL character"));
            }
        }
        int pageSize = integer("limit", limit, 1, maxLimit, DEFAULT_LIMIT, errors);
        int skip = integer("offset", offset, 0, MAX_OFFSET, 0, errors);
        Long after = null;
        String token = blank(cursor);
        if (token != null) {
            try {
                after = Long.parseLong(token);
            } catch (NumberFormatException e) {
                after = 0L;
            }
            if (after < 1) {
                errors.add(new Problems.FieldError("cursor", "is not a cursor this service returned"));
            }
        }
        if (!errors.isEmpty()) {
            throw Problems.invalidFields("Invalid query parameters", errors);
        }
        return new PredictionQuery(trainId, kind, blank(workloadId), blank(clientId), pageSize, skip, after);
    }

    private static int integer(String name, String value, int min, int max, int fallback,
                               List<Problems.FieldError> errors) {
        String text = blank(value);
        if (text == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(text);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            errors.add(new Problems.FieldError(name, "must be an integer"));
            return fallback;
        }
        errors.add(new Problems.FieldError(name, "must be between " + min + " and " + max
                + (name.equals("offset") ? " (deeper pages: cursor)" : "")));
        return fallback;
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
