package io.runstream.job.system;

import io.runstream.job.config.JobProperties;
import io.runstream.job.definition.JobDefinition;
import io.runstream.job.definition.JobDefinitions;
import io.runstream.platform.security.Caller;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** flwd's system info: version, the job sources (services and tenants' command jobs) and the executors. */
@RestController
class SystemInfoController {

    private final JobDefinitions definitions;
    private final JobProperties properties;
    private final String version;

    SystemInfoController(JobDefinitions definitions, JobProperties properties, ObjectProvider<BuildProperties> build) {
        this.definitions = definitions;
        this.properties = properties;
        BuildProperties info = build.getIfAvailable();
        this.version = info != null ? info.getVersion()
                : SystemInfoController.class.getPackage().getImplementationVersion() != null
                ? SystemInfoController.class.getPackage().getImplementationVersion() : "0.1.0-SNAPSHOT";
    }

    record Source(String name, String type, long jobs) {
    }

    record Executor(String name, String kind, Integer maxConcurrent) {
    }

    record Info(String version, List<Source> sources, List<Executor> executors, List<String> extensions) {
    }

    @GetMapping("/api/v1/system/info")
    @PreAuthorize("hasAuthority('runs:read')")
    Mono<Info> info(Caller caller) {
        return definitions.list(caller.tenant(), null, null).collectList().map(all -> {
            Map<String, long[]> sources = new TreeMap<>();
            Map<String, String> executors = new TreeMap<>();
            for (JobDefinition d : all) {
                sources.computeIfAbsent(d.source(), key -> new long[1])[0]++;
                executors.putIfAbsent(d.executor(), d.isCommand() ? "local-process" : "service");
            }
            executors.put("job-service", "local-process");
            return new Info(version,
                    sources.entrySet().stream().map(e -> new Source(e.getKey(),
                            e.getKey().startsWith("tenant:") ? "command" : "service", e.getValue()[0])).toList(),
                    executors.entrySet().stream().map(e -> new Executor(e.getKey(), e.getValue(),
                            e.getKey().equals("job-service") ? properties.executor().maxConcurrent() : null)).toList(),
                    List.of("sse", "idempotency-key", "bulk-control"));
        });
    }
}
