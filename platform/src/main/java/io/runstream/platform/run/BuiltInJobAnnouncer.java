package io.runstream.platform.run;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.kafka.Topics;
import io.runstream.platform.outbox.EventOutbox;
import io.runstream.platform.security.ServiceTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;

/** Publishes every {@link BuiltInJob} bean as {@code job.registered} once the service is ready. */
public class BuiltInJobAnnouncer implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(BuiltInJobAnnouncer.class);

    private final List<BuiltInJob> jobs;
    private final EventOutbox outbox;
    private final Topics topics;
    private final EventCodec codec;
    private final TransactionalOperator tx;
    private final String service;

    public BuiltInJobAnnouncer(List<BuiltInJob> jobs, EventOutbox outbox, Topics topics, EventCodec codec,
                               TransactionalOperator tx, String service) {
        this.jobs = jobs;
        this.outbox = outbox;
        this.topics = topics;
        this.codec = codec;
        this.tx = tx;
        this.service = service;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (!jobs.isEmpty()) {
            announce().subscribe(null,
                    error -> log.warn("could not announce built-in jobs {}: {}", ids(), error.toString()),
                    () -> log.info("announced built-in jobs {}", ids()));
        }
    }

    /** All definitions in one transaction: either every one is announced or none is. */
    public Mono<Void> announce() {
        return tx.transactional(Flux.fromIterable(jobs)
                .concatMap(job -> outbox.append(topics.jobDefinitions(), codec.event("/runstream/" + service,
                        EventTypes.JOB_REGISTERED, job.jobId(), ServiceTokens.SYSTEM_TENANT, registration(job))))
                .then());
    }

    private RunEvents.JobRegistered registration(BuiltInJob job) {
        return new RunEvents.JobRegistered(job.jobId(), job.version(), job.description(),
                job.argsSchema() == null ? null : codec.mapper().readTree(job.argsSchema()),
                service, service, job.maxAttempts(), job.leaseSeconds(), job.resources());
    }

    private List<String> ids() {
        return jobs.stream().map(BuiltInJob::jobId).toList();
    }
}
