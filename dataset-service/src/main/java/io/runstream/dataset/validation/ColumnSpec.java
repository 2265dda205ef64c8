package io.runstream.dataset.validation;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One column of a template (or of a dataset's inferred schema): name, type and the default for empty values. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ColumnSpec(String columnName, ColumnType dataType, String defaultValue) {
}
