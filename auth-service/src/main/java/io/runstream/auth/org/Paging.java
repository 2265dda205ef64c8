package io.runstream.auth.org;

import io.runstream.platform.web.Problems;
import org.springframework.web.util.UriComponentsBuilder;

import java.net.URI;
import java.util.List;

/** Trainwave's {@code limit}/{@code offset} paging with {@code next}/{@code previous} links. */
final class Paging {

    static final int MAX_LIMIT = 500;

    private Paging() {
    }

    static void check(int limit, int offset) {
        if (limit < 1 || limit > MAX_LIMIT || offset < 0) {
            throw Problems.badRequest("limit must be between 1 and " + MAX_LIMIT + " and offset >= 0");
        }
    }

    static <T> Envelope.Paged<T> page(URI request, List<T> results, long count, int limit, int offset) {
        String next = offset + limit < count ? link(request, limit, offset + limit) : null;
        String previous = offset > 0 ? link(request, limit, Math.max(0, offset - limit)) : null;
        return new Envelope.Paged<>(count, next, previous, results);
    }

    private static String link(URI request, int limit, int offset) {
        return UriComponentsBuilder.fromUri(request).replaceQueryParam("limit", limit).replaceQueryParam("offset", offset)
                .build().toUriString();
    }
}
