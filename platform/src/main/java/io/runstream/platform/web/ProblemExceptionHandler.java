package io.runstream.platform.web;

import jakarta.validation.ConstraintViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.codec.HttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.view.ViewResolver;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one place where errors become RFC 9457 problems ({@code application/problem+json}) — for
 * controllers, functional endpoints and filters alike. Problems carry {@code instance} (the path),
 * {@code request_id}, and {@code errors} for field violations. Bad input is always a 4xx; an
 * unexpected failure is a 500 that says nothing of its internals.
 */
public class ProblemExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    private final List<HttpMessageWriter<?>> writers;

    public ProblemExceptionHandler(ServerCodecConfigurer codecs) {
        this.writers = codecs.getWriters();
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(ex);
        }
        ProblemDetail problem = toProblem(ex);
        problem.setInstance(URI.create(exchange.getRequest().getPath().value()));
        String requestId = RequestId.of(exchange);
        if (requestId != null) {
            problem.setProperty("request_id", requestId);
        }
        HttpStatus status = HttpStatus.resolve(problem.getStatus());
        return ServerResponse.status(status == null ? HttpStatus.INTERNAL_SERVER_ERROR : status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .headers(headers -> {
                    if (refusedCredential(ex)) {
                        headers.set(HttpHeaders.WWW_AUTHENTICATE, "Bearer"); // RFC 6750: a 401 names the scheme
                    }
                    if (ex instanceof ErrorResponse error) {
                        error.getHeaders().forEach((name, values) -> {
                            if (!headers.containsHeader(name)) {
                                headers.addAll(name, values);
                            }
                        });
                    }
                })
                .bodyValue(problem)
                .flatMap(response -> response.writeTo(exchange, new ResponseContext()));
    }

    /** A credential missing, malformed or refused (401) — not one that could not be checked (503). */
    private static boolean refusedCredential(Throwable ex) {
        return ex instanceof AuthenticationException && !(ex instanceof AuthenticationServiceException);
    }

    ProblemDetail toProblem(Throwable ex) {
        if (ex instanceof WebExchangeBindException bind) {
            List<Problems.FieldError> errors = bind.getFieldErrors().stream()
                    .map(e -> new Problems.FieldError(JsonNames.snake(e.getField()), e.getDefaultMessage()))
                    .toList();
            return Problems.invalidFields("The request has invalid fields: " + errors.stream()
                    .map(Problems.FieldError::field).distinct().collect(Collectors.joining(", ")), errors).getBody();
        }
        if (causedBy(ex, DataBufferLimitException.class)) {
            return Problems.tooLarge("The request body exceeds the size this endpoint accepts").getBody();
        }
        if (ex instanceof ServerWebInputException input) {
            return inputProblem(input);
        }
        if (ex instanceof ErrorResponse error) {
            return error.getBody();
        }
        if (ex instanceof ConstraintViolationException violations) {
            List<Problems.FieldError> errors = violations.getConstraintViolations().stream()
                    .map(v -> new Problems.FieldError(JsonNames.snake(lastNode(v.getPropertyPath().toString())), v.getMessage()))
                    .toList();
            return Problems.invalidFields("The request has invalid values", errors).getBody();
        }
        if (ex instanceof DataIntegrityViolationException) {
            return Problems.conflict("conflict", "The request conflicts with existing data").getBody();
        }
        if (ex instanceof AuthenticationServiceException) {
            // the credential could not be checked (the key set or auth-service unreachable): the caller's token may
            // well be good, so no 401 that would make a client drop it and log in again
            log.warn("credentials could not be checked: {}", ex.toString());
            return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, "credentials-unavailable", "Credentials Cannot Be Checked",
                    "The credentials could not be checked right now; retry shortly").getBody();
        }
        if (ex instanceof AuthenticationException) {
            return Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", "A valid access token is required").getBody();
        }
        if (ex instanceof AccessDeniedException) {
            return Problems.forbidden("The caller lacks the permission this operation needs").getBody();
        }
        log.error("unexpected failure", ex);
        return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal Error",
                "The server failed to handle the request; the request id identifies it in the logs").getBody();
    }

    /** Malformed JSON, a wrong-typed field, a missing body or a bad parameter: say which, without internals. */
    private ProblemDetail inputProblem(ServerWebInputException input) {
        DatabindException databind = findCause(input, DatabindException.class);
        if (databind != null && !databind.getPath().isEmpty()) {
            String field = databind.getPath().stream()
                    .map(ref -> ref.getPropertyName() != null ? ref.getPropertyName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            String message = "has the wrong type or format";
            return Problems.invalidFields("Field '" + field + "' " + message,
                    List.of(new Problems.FieldError(field, message))).getBody();
        }
        if (causedBy(input, JacksonException.class) || causedBy(input, DecodingException.class)) {
            return Problems.badRequest("The request body is not valid JSON").getBody();
        }
        String reason = input.getReason() == null ? "The request is invalid" : input.getReason();
        if (input.getMethodParameter() != null && input.getMethodParameter().getParameterName() != null) {
            String name = JsonNames.snake(input.getMethodParameter().getParameterName());
            return Problems.invalidFields("Parameter '" + name + "' is missing or invalid",
                    List.of(new Problems.FieldError(name, reason))).getBody();
        }
        return Problems.badRequest(reason).getBody();
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }

    private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
        return findCause(ex, type) != null;
    }

    private static <T extends Throwable> T findCause(Throwable ex, Class<T> type) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private class ResponseContext implements ServerResponse.Context {
        @Override
        public List<HttpMessageWriter<?>> messageWriters() {
            return writers;
        }

        @Override
        public List<ViewResolver> viewResolvers() {
            return List.of();
        }
    }
}
