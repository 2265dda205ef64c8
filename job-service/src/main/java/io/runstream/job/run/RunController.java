package io.runstream.job.run;

import com.fasterxml.jackson.annotation.JsonAlias;
import io.runstream.job.config.JobProperties;
import io.runstream.job.stream.Params;
import io.runstream.platform.run.RunStatus;
import io.runstream.platform.security.Caller;
import io.runstream.platform.web.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

@RestController
@RequestMapping("/api/v1/runs")
class RunController {

    private final Runs runs;
    private final JobProperties properties;

    RunController(Runs runs, JobProperties properties) {
        this.runs = runs;
        this.properties = properties;
    }

    record TagsRequest(@NotNull @JsonAlias("names") @Size(max = 50) List<@NotBlank @Size(max = 100) String> tags) {
    }

    @PostMapping
    @PreAuthorize("hasAuthority('runs:write')")
    Mono<ResponseEntity<RunView>> create(Caller caller, @Valid @RequestBody CreateRunRequest request,
                                         @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        return runs.create(caller, request, key).map(created -> ResponseEntity
                .status(created.replayed() ? HttpStatus.OK : HttpStatus.CREATED).body(created.run()));
    }

    @GetMapping
    @PreAuthorize("hasAuthority('runs:read')")
    Mono<RunView.Page> list(Caller caller, @RequestParam Map<String, String> single,
                            @RequestParam(required = false) List<String> status,
                            @RequestParam(required = false) List<String> tags,
                            @RequestParam(required = false) List<String> ids) {
        return Mono.fromSupplier(() -> query(single, status, tags, ids)).flatMap(q -> runs.list(caller.tenant(), q));
    }

    @GetMapping("/{runId}")
    @PreAuthorize("hasAuthority('runs:read')")
    Mono<RunView> get(Caller caller, @PathVariable String runId) {
        return runs.get(caller.tenant(), runId);
    }

    @DeleteMapping("/{runId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @PreAuthorize("hasAuthority('runs:write')")
    Mono<Void> delete(Caller caller, @PathVariable String runId) {
        return runs.delete(caller.tenant(), runId);
    }

    @PostMapping("/{runId}/cancel")
    @PreAuthorize("hasAuthority('runs:cancel')")
    Mono<Runs.ControlResult> cancel(Caller caller, @PathVariable String runId) {
        return runs.control(caller, runId, Runs.ControlAction.CANCEL, null);
    }

    @PostMapping("/{runId}/pause")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @PreAuthorize("hasAuthority('runs:cancel')")
    Mono<Runs.ControlResult> pause(Caller caller, @PathVariable String runId) {
        return runs.control(caller, runId, Runs.ControlAction.PAUSE, null);
    }

    @PostMapping("/{runId}/resume")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @PreAuthorize("hasAuthority('runs:cancel')")
    Mono<Runs.ControlResult> resume(Caller caller, @PathVariable String runId) {
        return runs.control(caller, runId, Runs.ControlAction.RESUME, null);
    }

    @PostMapping("/{runId}/retry")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @PreAuthorize("hasAuthority('runs:write')")
    Mono<Runs.ControlResult> retry(Caller caller, @PathVariable String runId,
                                   @RequestParam(required = false) String type) {
        return runs.control(caller, runId, Runs.ControlAction.RETRY, type);
    }

    @PutMapping("/{runId}/tags")
    @PreAuthorize("hasAuthority('runs:write')")
    Mono<RunView> tags(Caller caller, @PathVariable String runId, @Valid @RequestBody TagsRequest request) {
        return runs.replaceTags(caller.tenant(), runId, request.tags());
    }

    @PostMapping("/cancel-all")
    @PreAuthorize("hasAuthority('runs:cancel')")
    Mono<Runs.BulkResult> cancelAll(Caller caller, @RequestParam Map<String, String> single,
                                    @RequestParam(required = false) List<String> status,
                                    @RequestParam(required = false) List<String> tags,
                                    @RequestParam(required = false) List<String> ids) {
        return bulk(caller, Runs.ControlAction.CANCEL, single, status, tags, ids);
    }

    @PostMapping("/pause-all")
    @PreAuthorize("hasAuthority('runs:cancel')")
    Mono<Runs.BulkResult> pauseAll(Caller caller, @RequestParam Map<String, String> single,
                                   @RequestParam(required = false) List<String> status,
                                   @RequestParam(required = false) List<String> tags,
                                   @RequestParam(required = false) List<String> ids) {
        return bulk(caller, Runs.ControlAction.PAUSE, single, status, tags, ids);
    }

    @PostMapping("/resume-all")
    @PreAuthorize("hasAuthority('runs:cancel')")
    Mono<Runs.BulkResult> resumeAll(Caller caller, @RequestParam Map<String, String> single,
                                    @RequestParam(required = false) List<String> status,
                                    @RequestParam(required = false) List<String> tags,
                                    @RequestParam(required = false) List<String> ids) {
        return bulk(caller, Runs.ControlAction.RESUME, single, status, tags, ids);
    }

    private Mono<Runs.BulkResult> bulk(Caller caller, Runs.ControlAction action, Map<String, String> single,
                                       List<String> status, List<String> tags, List<String> ids) {
        boolean dryRun = Boolean.parseBoolean(single.getOrDefault("dry_run", "false"));
        return Mono.fromSupplier(() -> query(single, status, tags, ids))
                .flatMap(q -> runs.bulk(caller, q, action, dryRun));
    }

    private RunQuery query(Map<String, String> single, List<String> status, List<String> tags, List<String> ids) {
        List<Problems.FieldError> errors = new ArrayList<>();
        List<RunStatus> statuses = null;
        List<String> statusNames = Params.split(status);
        if (statusNames != null) {
            statuses = new ArrayList<>();
            for (String name : statusNames) {
                String normalised = name.equalsIgnoreCase("success") || name.equalsIgnoreCase("complete") ? "completed" : name;
                var parsed = RunStatus.parse(normalised);
                if (parsed.isEmpty()) {
                    errors.add(new Problems.FieldError("status", "unknown status '" + name + "'"));
                } else {
                    statuses.add(parsed.get());
                }
            }
        }
        Integer priority = integer(single, "priority", 0, 9, null, errors);
        int limit = integer(single, "limit", 1, properties.maxListLimit(), 100, errors);
        int offset = integer(single, "offset", 0, Integer.MAX_VALUE, 0, errors);
        String cursor = blank(single.get("cursor"));
        if (cursor != null && cursor.length() > 40) {
            errors.add(new Problems.FieldError("cursor", "is not a cursor this service returned"));
        }
        String q = blank(single.get("q"));
        if (q != null && q.length() > 100) {
            errors.add(new Problems.FieldError("q", "must be at most 100 characters"));
        }
        var from = Params.instant("from", single.get("from"));
        var to = Params.instant("to", single.get("to"));
        if (!errors.isEmpty()) {
            throw Problems.invalidFields("Invalid query parameters", errors);
        }
        return new RunQuery(blank(single.get("job_id")), statuses, Params.split(tags), priority, blank(single.get("user")),
                from, to, q, Params.split(ids), limit, offset, cursor);
    }

    private static Integer integer(Map<String, String> single, String name, int min, int max, Integer fallback,
                                   List<Problems.FieldError> errors) {
        String value = blank(single.get(name));
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                errors.add(new Problems.FieldError(name, "must be between " + min + " and " + max));
                return fallback;
            }
            return parsed;
        } catch (NumberFormatException e) {
            errors.add(new Problems.FieldError(name, "must be an integer"));
            return fallback;
        }
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
