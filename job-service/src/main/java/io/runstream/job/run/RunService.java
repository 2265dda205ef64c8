package io.runstream.job.run;

import io.runstream.job.support.Events;
import io.runstream.job.artifact.ArtifactStore;
import io.runstream.job.config.JobProperties;
import io.runstream.job.definition.ArgsSchemas;
import io.runstream.job.definition.JobDefinitions;
import io.runstream.job.stream.StreamLog;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.kafka.Topics;
import io.runstream.platform.outbox.EventOutbox;
import io.runstream.platform.run.RunIds;
import io.runstream.platform.run.RunStatus;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

@Service
class RunService implements Runs {

    private static final int DEFAULT_PRIORITY = 5;

    private final RunRepository runs;
    private final RunProjection projection;
    private final RunViews views;
    private final JobDefinitions definitions;
    private final ArgsSchemas schemas;
    private final EventOutbox outbox;
    private final Topics topics;
    private final EventCodec codec;
    private final TransactionalOperator tx;
    private final DatabaseClient db;
    private final StreamLog streamLog;
    private final ArtifactStore artifacts;
    private final JobProperties properties;
    private final String source;

    RunService(RunRepository runs, RunProjection projection, RunViews views, JobDefinitions definitions,
               ArgsSchemas schemas, EventOutbox outbox, Topics topics, EventCodec codec, TransactionalOperator tx,
               DatabaseClient db, StreamLog streamLog, ArtifactStore artifacts, JobProperties properties,
               @Value("${spring.application.name}") String service) {
        this.runs = runs;
        this.projection = projection;
        this.views = views;
        this.definitions = definitions;
        this.schemas = schemas;
        this.outbox = outbox;
        this.topics = topics;
        this.codec = codec;
        this.tx = tx;
        this.db = db;
        this.streamLog = streamLog;
        this.artifacts = artifacts;
        this.properties = properties;
        this.source = "/runstream/" + service;
    }

    @Override
    public Mono<RunView> get(String tenant, String runId) {
        return runs.find(tenant, runId)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("run", runId)))
                .flatMap(row -> Mono.zip(runs.attempts(row.id()).collectList(), runs.steps(row.id(), row.attempt()).collectList())
                        .map(parts -> views.full(row, parts.getT1(), parts.getT2())));
    }

    @Override
    public Mono<CreatedRun> create(Caller caller, CreateRunRequest request, String idempotencyKey) {
        String tenant = caller.tenant();
        JsonNode args = request.args() == null || request.args().isNull() ? codec.mapper().createObjectNode() : request.args();
        if (!args.isObject()) {
            return Mono.error(Problems.invalidFields("The run's arguments are invalid",
                    List.of(new Problems.FieldError("args", "must be a JSON object"))));
        }
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > 200)) {
            return Mono.error(Problems.badRequest("Idempotency-Key must be 1 to 200 characters"));
        }
        return definitions.get(tenant, request.jobId()).flatMap(definition -> Mono.fromCallable(() -> {
                    // the validator loads its message bundles lazily and the run id draws on SecureRandom: off the event loop
                    List<Problems.FieldError> violations = schemas.violations(definition.argsSchema(), args);
                    if (!violations.isEmpty()) {
                        throw Problems.invalidFields("The arguments do not match the job's schema", violations);
                    }
                    return RunIds.newRunId();
                }).subscribeOn(Schedulers.boundedElastic())
                .flatMap(runId -> createRun(caller, request, idempotencyKey, definition, args, runId)));
    }

    private Mono<CreatedRun> createRun(Caller caller, CreateRunRequest request, String idempotencyKey,
                                       io.runstream.job.definition.JobDefinition definition, JsonNode args, String runId) {
        String tenant = caller.tenant();
        {
            // to the microsecond, as PostgreSQL keeps it: the answer is built from this row, not read back
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            List<String> tags = request.tags() == null ? List.of() : List.copyOf(new LinkedHashSet<>(request.tags()));
            RunEvents.Resources resources = request.resources() != null ? request.resources() : definition.resources();
            var created = new RunEvents.RunCreated(runId, definition.id(), definition.executor(), caller.userId(),
                    request.project(), args, request.priority() == null ? DEFAULT_PRIORITY : request.priority(), tags,
                    resources, 1, now);
            ObjectNode data = (ObjectNode) codec.toData(created);
            if (caller.username() != null) {
                data.put("owner_name", caller.username());
            }
            EventEnvelope event = projection.decision(EventTypes.RUN_CREATED, runId, tenant, data);
            String requestHash = idempotencyKey == null ? null : hash(request);
            Mono<Admission> fresh = projection.admit(event, definition)
                    .flatMap(row -> (idempotencyKey == null ? Mono.<Void>empty() : remember(tenant, idempotencyKey, requestHash, runId))
                            .thenReturn(new Admission(row, null)));
            Mono<Admission> flow = idempotencyKey == null ? fresh
                    : replayed(tenant, idempotencyKey, requestHash).map(earlier -> new Admission(null, earlier))
                    .switchIfEmpty(fresh);
            return tx.transactional(flow).flatMap(admission -> {
                if (admission.replayed() != null) {
                    return get(tenant, admission.replayed()).map(v -> new CreatedRun(v, true));
                }
                if (Boolean.FALSE.equals(request.async())) {
                    return awaitEnd(tenant, runId, request.timeoutSeconds()).map(v -> new CreatedRun(v, false));
                }
                // a run admitted a moment ago has neither earlier attempts nor steps: its view is the row as written
                return Mono.just(new CreatedRun(views.full(admission.row(), List.of(), List.of()), false));
            });
        }
    }

    /** A run just admitted (its row as written), or the id of the run an Idempotency-Key created earlier. */
    private record Admission(RunRow row, String replayed) {
    }

    /** The id of the run an unexpired Idempotency-Key already created, a 409 for another body, or empty. */
    private Mono<String> replayed(String tenant, String key, String hash) {
        return db.sql("select run_id, request_hash, created_at from idempotency_key where tenant_id = :t and key = :k for update")
                .bind("t", tenant).bind("k", key)
                .map(row -> new String[]{row.get("run_id", String.class), row.get("request_hash", String.class),
                        row.get("created_at", java.time.OffsetDateTime.class).toInstant().toString()})
                .one()
                .flatMap(found -> {
                    if (Instant.parse(found[2]).isBefore(Instant.now().minus(properties.idempotencyTtl()))) {
                        return db.sql("delete from idempotency_key where tenant_id = :t and key = :k")
                                .bind("t", tenant).bind("k", key).then().then(Mono.<String>empty());
                    }
                    if (!found[1].equals(hash)) {
                        return Mono.error(Problems.with(Problems.conflict("idempotency-key-reused",
                                "The Idempotency-Key was used with a different request body"), Map.of("run_id", found[0])));
                    }
                    return Mono.just(found[0]);
                });
    }

    private Mono<Void> remember(String tenant, String key, String hash, String runId) {
        return db.sql("insert into idempotency_key (tenant_id, key, request_hash, run_id) values (:t, :k, :h, :r)")
                .bind("t", tenant).bind("k", key).bind("h", hash).bind("r", runId).then();
    }

    private String hash(CreateRunRequest request) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(codec.mapper().writeValueAsString(request).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** async=false: polls until the run ends or the bounded wait is over, then answers its current state. */
    private Mono<RunView> awaitEnd(String tenant, String runId, Integer timeoutSeconds) {
        Duration limit = properties.syncWait();
        if (timeoutSeconds != null && Duration.ofSeconds(timeoutSeconds).compareTo(limit) < 0) {
            limit = Duration.ofSeconds(timeoutSeconds);
        }
        return Flux.interval(Duration.ZERO, Duration.ofMillis(200))
                .concatMap(tick -> runs.find(tenant, runId))
                .filter(row -> row.status().isTerminal())
                .next()
                .timeout(limit, Mono.empty())
                .then(get(tenant, runId));
    }

    @Override
    public Mono<RunView.Page> list(String tenant, RunQuery query) {
        return runs.count(tenant, query).flatMap(total -> runs.list(tenant, query).map(views::summary).collectList()
                .map(page -> new RunView.Page(page, total, query.limit(), query.offset(),
                        page.size() == query.limit() && !page.isEmpty() ? page.get(page.size() - 1).runId() : null)));
    }

    @Override
    public Mono<Void> delete(String tenant, String runId) {
        return tx.transactional(runs.lock(tenant, runId)
                        .switchIfEmpty(Mono.error(() -> Problems.notFound("run", runId)))
                        .flatMap(row -> {
                            if (!row.status().isTerminal()) {
                                return Mono.error(illegal(row, "delete"));
                            }
                            return runs.delete(tenant, runId).then(streamLog.deleteRun(tenant, runId));
                        }))
                .then(artifacts.deleteRun(tenant, runId));
    }

    @Override
    public Mono<ControlResult> control(Caller caller, String runId, ControlAction action, String retryType) {
        String tenant = caller.tenant();
        return tx.transactional(runs.lock(tenant, runId)
                .switchIfEmpty(Mono.error(() -> Problems.notFound("run", runId)))
                .flatMap(row -> switch (action) {
                    case CANCEL -> cancel(caller, row);
                    case PAUSE -> request(caller, row, RunStatus.PAUSED, EventTypes.RUN_PAUSE_REQUESTED, "pause");
                    case RESUME -> row.status() != RunStatus.PAUSED ? Mono.error(illegal(row, "resume"))
                            : control(caller, row, EventTypes.RUN_RESUME_REQUESTED, null)
                            .thenReturn(new ControlResult(row.id(), row.status().wireName(), "resume", row.attempt()));
                    case RETRY -> retry(caller, row, retryType);
                }));
    }

    private Mono<ControlResult> cancel(Caller caller, RunRow row) {
        if (!row.status().canTransitionTo(RunStatus.CANCELLED)) {
            return Mono.error(illegal(row, "cancel"));
        }
        var finished = new RunEvents.RunFinished(row.id(), RunStatus.CANCELLED, null,
                new RunEvents.RunError("cancelled", "Cancelled by " + who(caller)));
        EventEnvelope event = projection.decision(EventTypes.RUN_FINISHED, row.id(), row.tenantId(), finished);
        return projection.decide(event)
                .then(control(caller, row, EventTypes.RUN_CANCEL_REQUESTED, null))
                .thenReturn(new ControlResult(row.id(), RunStatus.CANCELLED.wireName(), "cancel", row.attempt()));
    }

    private Mono<ControlResult> request(Caller caller, RunRow row, RunStatus target, String type, String verb) {
        if (row.status() != RunStatus.RUNNING || !row.status().canTransitionTo(target)) {
            return Mono.error(illegal(row, verb));
        }
        return control(caller, row, type, null)
                .thenReturn(new ControlResult(row.id(), row.status().wireName(), verb, row.attempt()));
    }

    private Mono<ControlResult> retry(Caller caller, RunRow row, String retryType) {
        if (!row.status().isRetryable()) {
            return Mono.error(illegal(row, "retry"));
        }
        String type = retryType == null ? "all" : retryType;
        if (!List.of("all", "step_failure").contains(type)) {
            return Mono.error(Problems.invalidFields("Unknown retry type",
                    List.of(new Problems.FieldError("type", "must be all or step_failure"))));
        }
        int attempt = row.attempt() + 1;
        var created = new RunEvents.RunCreated(row.id(), row.jobId(), row.executor(), row.owner(), row.project(),
                row.args(), row.priority(), row.tags(),
                row.resources() == null ? null : codec.mapper().treeToValue(row.resources(), RunEvents.Resources.class),
                attempt, Instant.now());
        ObjectNode data = (ObjectNode) codec.toData(created);
        data.put("retry_type", type);
        EventEnvelope event = projection.decision(EventTypes.RUN_CREATED, row.id(), row.tenantId(), data);
        return projection.decide(event)
                .then(control(caller, row, EventTypes.RUN_RETRY_REQUESTED, "type=" + type))
                .thenReturn(new ControlResult(row.id(), RunStatus.PENDING.wireName(), "retry", attempt));
    }

    private Mono<Void> control(Caller caller, RunRow row, String type, String reason) {
        var request = new RunEvents.ControlRequested(row.id(), row.jobId(), row.executor(), row.attempt(), who(caller), reason);
        return outbox.append(topics.runControl(), Events.create(codec, source, type, row.id(), row.tenantId(), request));
    }

    @Override
    public Mono<RunView> replaceTags(String tenant, String runId, List<String> tags) {
        List<String> unique = List.copyOf(new LinkedHashSet<>(tags == null ? List.of() : tags));
        return tx.transactional(runs.lock(tenant, runId)
                        .switchIfEmpty(Mono.error(() -> Problems.notFound("run", runId)))
                        .flatMap(row -> runs.update(row.withTags(unique))))
                .then(get(tenant, runId));
    }

    @Override
    public Mono<BulkResult> bulk(Caller caller, RunQuery query, ControlAction action, boolean dryRun) {
        List<RunStatus> applicable = switch (action) {
            case CANCEL -> List.of(RunStatus.PENDING, RunStatus.RUNNING, RunStatus.PAUSED);
            case PAUSE -> List.of(RunStatus.RUNNING);
            case RESUME -> List.of(RunStatus.PAUSED);
            case RETRY -> List.of(RunStatus.FAILED, RunStatus.CANCELLED);
        };
        List<RunStatus> statuses = new ArrayList<>(applicable);
        if (query.statuses() != null && !query.statuses().isEmpty()) {
            statuses.retainAll(query.statuses());
        }
        RunQuery scoped = query.withStatuses(statuses.isEmpty() ? List.of(RunStatus.PENDING) : statuses);
        if (!caller.isAdmin()) {
            scoped = scoped.withUser(caller.userId()); // only admins act on other users' runs
        }
        String verb = action.name().toLowerCase();
        if (statuses.isEmpty()) {
            return Mono.just(new BulkResult(verb, dryRun, 0, List.of()));
        }
        RunQuery page = scoped.page(properties.maxListLimit(), 0);
        if (dryRun) {
            return runs.count(caller.tenant(), page).map(count -> new BulkResult(verb, true, count, List.of()));
        }
        return runs.list(caller.tenant(), page)
                .concatMap(row -> control(caller, row.id(), action, null)
                        .onErrorResume(ErrorResponseException.class, error -> runs.find(caller.tenant(), row.id())
                                .map(now -> new ControlResult(now.id(), now.status().wireName(), "rejected", now.attempt()))))
                .collectList()
                .map(results -> new BulkResult(verb, false,
                        results.stream().filter(r -> !"rejected".equals(r.requested())).count(), results));
    }

    private static ErrorResponseException illegal(RunRow row, String verb) {
        return Problems.with(Problems.conflict("illegal-transition",
                        "Run " + row.id() + " is " + row.status().wireName() + " and cannot " + verb),
                Map.of("run_id", row.id(), "status", row.status().wireName()));
    }

    private static String who(Caller caller) {
        return caller.username() != null ? caller.username() : caller.userId();
    }
}
