package io.runstream.job.definition;

import io.runstream.platform.event.RunEvents;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The catalogue of job definitions a tenant can run. */
public interface JobDefinitions {

    /** Upserts a service's built-in definition (from {@code job.registered}); idempotent. */
    Mono<Void> registerBuiltIn(RunEvents.JobRegistered registered);

    /** Built-ins plus the tenant's own command jobs, optionally filtered. */
    Flux<JobDefinition> list(String tenant, String source, String namespace);

    /** The definition the tenant sees under {@code id}, or a 404 problem. */
    Mono<JobDefinition> get(String tenant, String id);

    /** Registers (or replaces) one of the tenant's command jobs. */
    Mono<JobDefinition> registerCommand(String tenant, String registeredBy, CommandJobRequest request);

    /** Removes one of the tenant's command jobs; built-ins cannot be removed. */
    Mono<Void> delete(String tenant, String id);
}
