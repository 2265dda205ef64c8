package io.runstream.auth.apikey;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.runstream.auth.web.Limits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

final class ApiKeyViews {

    private ApiKeyViews() {
    }

    record CreateApiKey(
            @NotBlank @Pattern(regexp = Limits.DISPLAY_NAME, message = "must be 1-100 letters, digits, spaces or ._'&()-") String name,
            @NotEmpty @Size(max = 50) List<@NotBlank @Pattern(regexp = Limits.PERMISSION_NAME, message = "is not a permission name") String> scopes,
            @Min(1) @Max(3650) Integer expiresInDays) {
    }

    /** A key as listed: never its secret. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ApiKeyView(UUID id, String name, String prefix, List<String> scopes, long userId, String tenantId,
                      OffsetDateTime createdAt, OffsetDateTime expiresAt, OffsetDateTime lastUsedAt, OffsetDateTime revokedAt) {
    }

    /** The answer to a creation: the only time the secret is shown. */
    record CreatedApiKey(UUID id, String name, String prefix, List<String> scopes, OffsetDateTime createdAt,
                         OffsetDateTime expiresAt, String key) {
    }

    record Exchanged(String accessToken, String tokenType, long expiresIn, String tenant, String subject, UUID keyId,
                     List<String> permissions) {
    }
}
