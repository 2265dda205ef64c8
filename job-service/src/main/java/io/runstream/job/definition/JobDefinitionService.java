package io.runstream.job.definition;

import io.runstream.platform.event.RunEvents;
import io.runstream.platform.web.Problems;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Service
class JobDefinitionService implements JobDefinitions {

    private static final Pattern SIMPLE_DURATION = Pattern.compile("^(\\d+)\\s*(ms|s|m|h|d)?$");
    private static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");

    private final JobDefinitionRepository repository;
    private final ArgsSchemas schemas;
    private final String executorName;

    JobDefinitionService(JobDefinitionRepository repository, ArgsSchemas schemas,
                         @Value("${spring.application.name}") String executorName) {
        this.repository = repository;
        this.schemas = schemas;
        this.executorName = executorName;
    }

    @Override
    public Mono<Void> registerBuiltIn(RunEvents.JobRegistered r) {
        if (r.jobId() == null || r.jobId().indexOf('/') <= 0 || r.executor() == null) {
            return Mono.error(new IllegalArgumentException("job.registered without job_id namespace/name or executor"));
        }
        var definition = new JobDefinition(JobDefinition.GLOBAL, r.jobId(), JobIds.namespace(r.jobId()),
                JobIds.name(r.jobId()), r.version() == null ? "1.0.0" : r.version(), r.description(), r.argsSchema(),
                r.executor(), r.source() == null ? r.executor() : r.source(), JobDefinition.KIND_BUILTIN, null, null,
                null, r.resources(), null, Math.max(1, r.maxAttempts()), r.leaseSeconds() > 0 ? r.leaseSeconds() : 60,
                null, null);
        return repository.upsert(definition);
    }

    @Override
    public Flux<JobDefinition> list(String tenant, String source, String namespace) {
        return repository.list(tenant, blankToNull(source), blankToNull(namespace));
    }

    @Override
    public Mono<JobDefinition> get(String tenant, String id) {
        return repository.find(tenant, id).switchIfEmpty(Mono.error(() -> Problems.notFound("job", id)));
    }

    @Override
    public Mono<JobDefinition> registerCommand(String tenant, String registeredBy, CommandJobRequest request) {
        // compiling a schema may load the validator's resources: off the event loop
        return Mono.fromCallable(() -> check(tenant, request)).subscribeOn(Schedulers.boundedElastic())
                .flatMap(definition -> repository.findExact(JobDefinition.GLOBAL, request.id())
                        .flatMap(builtIn -> Mono.<JobDefinition>error(Problems.conflict("job-exists",
                                "'" + request.id() + "' is a built-in job of " + builtIn.source())))
                        .switchIfEmpty(repository.upsert(definition).then(repository.findExact(tenant, request.id()))));
    }

    private JobDefinition check(String tenant, CommandJobRequest request) {
        List<Problems.FieldError> errors = new ArrayList<>();
        JsonNode command = request.command();
        if (command == null || command.isNull()) {
            errors.add(new Problems.FieldError("command", "is required: a command line or an argv array"));
        } else if (command.isString()) {
            if (command.asString().isBlank()) {
                errors.add(new Problems.FieldError("command", "must not be blank"));
            }
        } else if (command.isArray()) {
            if (command.isEmpty()) {
                errors.add(new Problems.FieldError("command", "must not be empty"));
            }
            for (int i = 0; i < command.size(); i++) {
                if (!command.get(i).isString()) {
                    errors.add(new Problems.FieldError("command[" + i + "]", "must be a string"));
                }
            }
        } else {
            errors.add(new Problems.FieldError("command", "must be a string or an array of strings"));
        }
        String schemaProblem = schemas.problemWith(request.argsSchema());
        if (schemaProblem != null) {
            errors.add(new Problems.FieldError("args_schema", schemaProblem));
        }
        if (request.env() != null) {
            request.env().forEach((name, value) -> {
                if (!ENV_NAME.matcher(name).matches() || name.startsWith("RUNSTREAM_")) {
                    errors.add(new Problems.FieldError("env." + name, "must be a variable name not starting with RUNSTREAM_"));
                } else if (value == null) {
                    errors.add(new Problems.FieldError("env." + name, "must not be null"));
                }
            });
        }
        Long expires = null;
        if (request.expires() != null) {
            expires = parseSeconds(request.expires());
            if (expires == null || expires <= 0) {
                errors.add(new Problems.FieldError("expires", "must be a positive duration such as 90s, 30m, 4h or a number of seconds"));
            }
        }
        if (!errors.isEmpty()) {
            throw Problems.invalidFields("The job definition is invalid", errors);
        }
        return new JobDefinition(tenant, request.id(), JobIds.namespace(request.id()), JobIds.name(request.id()),
                request.version() == null ? "1.0.0" : request.version(), request.description(), request.argsSchema(),
                executorName, "tenant:" + tenant, JobDefinition.KIND_COMMAND, command, request.image(),
                request.env() == null ? Map.of() : request.env(), request.resources(), expires,
                request.maxAttempts() == null ? 1 : request.maxAttempts(),
                request.leaseSeconds() == null ? 60 : request.leaseSeconds(), null, null);
    }

    @Override
    public Mono<Void> delete(String tenant, String id) {
        return repository.delete(tenant, id)
                .flatMap(count -> count > 0 ? Mono.<Void>empty()
                        : repository.findExact(JobDefinition.GLOBAL, id)
                        .flatMap(builtIn -> Mono.<Void>error(Problems.conflict("job-built-in",
                                "'" + id + "' is a built-in job of " + builtIn.source() + " and cannot be deleted")))
                        .switchIfEmpty(Mono.error(() -> Problems.notFound("job", id))));
    }

    static Long parseSeconds(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(value);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> Math.max(1, amount / 1000);
                case "m" -> amount * 60;
                case "h" -> amount * 3600;
                case "d" -> amount * 86400;
                default -> amount;
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase(Locale.ROOT)).toSeconds();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
