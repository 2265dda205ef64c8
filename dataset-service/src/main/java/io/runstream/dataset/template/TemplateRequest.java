package io.runstream.dataset.template;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.util.List;

/** Body of create and update: a name unique in the tenant and the columns. */
public record TemplateRequest(@NotBlank @Size(max = 200) String templateName,
                              @Valid @Size(max = 2000) List<Column> templateSchema) {

    public record Column(@NotBlank @Size(max = 200) String columnName, @NotBlank String dataType,
                         @Size(max = 10000) String defaultValue) {
    }
}
