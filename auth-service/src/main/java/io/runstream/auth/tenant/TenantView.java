package io.runstream.auth.tenant;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.OffsetDateTime;

public record TenantView(String id, String name, @JsonProperty("is_active") boolean active, OffsetDateTime createdAt) {
}
