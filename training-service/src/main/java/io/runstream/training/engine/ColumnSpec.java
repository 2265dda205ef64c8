package io.runstream.training.engine;

/** One column's declared role and (optional) seed data type. */
public record ColumnSpec(String name, String dataType, ColumnRole role) {
}
