package io.runstream.inference.prediction;

import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventEnvelope;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.outbox.ProcessedEvents;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** Consumes inference/batch runs (run.created with executor inference-service), deduplicated by event id. */
@Component
class BatchRunListener {

    private final EventCodec codec;
    private final ProcessedEvents processed;
    private final TransactionalOperator tx;
    private final PredictionRepository repository;
    private final BatchExecutor executor;

    BatchRunListener(EventCodec codec, ProcessedEvents processed, TransactionalOperator tx,
                     PredictionRepository repository, BatchExecutor executor) {
        this.codec = codec;
        this.processed = processed;
        this.tx = tx;
        this.repository = repository;
        this.executor = executor;
    }

    @KafkaListener(id = "inference-run-created", topics = "#{@topics.runEvents()}")
    Mono<Void> on(EventEnvelope event) {
        if (!EventTypes.RUN_CREATED.equals(event.type())) {
            return Mono.empty();
        }
        RunEvents.RunCreated created = codec.data(event, RunEvents.RunCreated.class);
        if (!DefaultPredictionService.EXECUTOR.equals(created.executor())
                || !DefaultPredictionService.BATCH_JOB.equals(created.jobId())) {
            return Mono.empty();
        }
        // runs of inference/batch are created here (POST batchPrediction); a run without its row is not ours to guess
        return tx.transactional(processed.firstTime("inference-run-created", event.id())
                        .flatMap(first -> first ? repository.findByRun(created.runId()).hasElement() : Mono.just(false)))
                .doOnNext(submit -> {
                    if (submit) {
                        executor.submit(created.runId());
                    }
                })
                .then();
    }
}
