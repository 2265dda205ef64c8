package io.runstream.auth.web;

import java.util.List;

/** The Data-ML list shape: {@code {data, count}} where count is the total, not the page size. */
public record Page<T>(List<T> data, long count) {
}
