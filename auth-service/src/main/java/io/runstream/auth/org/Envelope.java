package io.runstream.auth.org;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** Trainwave's {@code {success, data}} envelope, and its paged list {@code {count, next, previous, results}}. */
record Envelope<T>(boolean success, T data) {

    static <T> Envelope<T> ok(T data) {
        return new Envelope<>(true, data);
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Paged<T>(long count, String next, String previous, List<T> results) {
    }
}
