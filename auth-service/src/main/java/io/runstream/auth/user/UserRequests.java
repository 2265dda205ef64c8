package io.runstream.auth.user;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.runstream.auth.web.Limits;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/** Request bodies of the user API. */
final class UserRequests {

    private UserRequests() {
    }

    /** The seed's create-user body, plus optional role names (default: viewer). */
    record CreateUser(
            @Size(max = 64) String tenantId,
            @Size(max = 100) @Pattern(regexp = Limits.PERSON_NAME, message = "may hold letters, spaces and . ' - only") String firstName,
            @Size(max = 100) @Pattern(regexp = Limits.PERSON_NAME, message = "may hold letters, spaces and . ' - only") String lastName,
            @NotBlank @Size(max = 254) @Email String email,
            @NotBlank @Pattern(regexp = Limits.USERNAME, message = "must be 3-64 of [A-Za-z0-9._@-], starting with a letter or digit") String username,
            @NotBlank @Size(max = 128) String password,
            @Size(max = 20) List<@NotBlank @Pattern(regexp = Limits.ROLE_NAME, message = "is not a role name") String> roles) {

        @Override
        public String toString() {
            return "CreateUser[tenantId=" + tenantId + ", username=" + username + "]";
        }
    }

    /** Partial update: absent fields stay as they are. */
    record UpdateUser(
            @Size(max = 100) @Pattern(regexp = Limits.PERSON_NAME, message = "may hold letters, spaces and . ' - only") String firstName,
            @Size(max = 100) @Pattern(regexp = Limits.PERSON_NAME, message = "may hold letters, spaces and . ' - only") String lastName,
            @Size(max = 254) @Email String email,
            @JsonProperty("is_active") Boolean active) {
    }
}
