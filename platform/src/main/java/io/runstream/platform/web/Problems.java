package io.runstream.platform.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Factory of the RFC 9457 problems services throw. A service throws (or signals) one of these and
 * {@link ProblemExceptionHandler} renders it as {@code application/problem+json}.
 */
public final class Problems {

    public static final String TYPE_BASE = "https://runstream.io/problems/";

    private Problems() {
    }

    public static ErrorResponseException of(HttpStatusCode status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPE_BASE + slug));
        problem.setTitle(title);
        return new ErrorResponseException(status, problem, null);
    }

    /** 404 for a resource that does not exist — or belongs to another tenant, which must look the same. */
    public static ErrorResponseException notFound(String kind, String id) {
        String slug = kind.toLowerCase().replace(' ', '-') + "-not-found";
        String title = Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " Not Found";
        return of(HttpStatus.NOT_FOUND, slug, title, "The " + kind + " '" + id + "' does not exist");
    }

    public static ErrorResponseException conflict(String slug, String detail) {
        return of(HttpStatus.CONFLICT, slug, "Conflict", detail);
    }

    public static ErrorResponseException badRequest(String detail) {
        return of(HttpStatus.BAD_REQUEST, "validation-error", "Validation Error", detail);
    }

    /** 400 with one entry per offending field: {@code errors: [{field, message}]}. */
    public static ErrorResponseException invalidFields(String detail, List<FieldError> errors) {
        ErrorResponseException problem = badRequest(detail);
        problem.getBody().setProperty("errors", errors);
        return problem;
    }

    public static ErrorResponseException forbidden(String detail) {
        return of(HttpStatus.FORBIDDEN, "permission-denied", "Permission Denied", detail);
    }

    public static ErrorResponseException tooLarge(String detail) {
        return of(HttpStatus.PAYLOAD_TOO_LARGE, "payload-too-large", "Payload Too Large", detail);
    }

    /** Adds a property (e.g. the run's current status on a 409) to the problem body. */
    public static ErrorResponseException with(ErrorResponseException problem, Map<String, Object> properties) {
        properties.forEach(problem.getBody()::setProperty);
        return problem;
    }

    public record FieldError(String field, String message) {
    }
}
