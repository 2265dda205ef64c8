package io.runstream.inference.prediction;

import io.runstream.inference.config.InferenceProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Prediction ids, reserved from the prediction table's sequence a block at a time so that a
 * real-time prediction can answer its {@code prediction_id} before its log entry is written. The
 * next block is fetched in the background when a quarter of the current one is left; ids of a block
 * not used before a restart are skipped (gaps, never duplicates).
 */
@Component
class PredictionIds {

    private final ConcurrentLinkedQueue<Long> ids = new ConcurrentLinkedQueue<>();
    private final AtomicInteger left = new AtomicInteger();
    private final AtomicReference<Mono<Void>> refill = new AtomicReference<>();
    private final IntFunction<Flux<Long>> reserve;
    private final int block;

    @Autowired
    PredictionIds(PredictionRepository repository, InferenceProperties properties) {
        this(repository::reserveIds, properties.predictionLog().idBlock());
    }

    PredictionIds(IntFunction<Flux<Long>> reserve, int block) {
        this.reserve = reserve;
        this.block = Math.max(1, block);
    }

    Mono<Long> next() {
        Long id = ids.poll();
        if (id == null) {
            return refill().then(Mono.defer(this::next));
        }
        if (left.decrementAndGet() < block / 4) {
            refill().subscribe(null, e -> { });
        }
        return Mono.just(id);
    }

    /** One reservation at a time; concurrent callers share it. */
    private Mono<Void> refill() {
        Mono<Void> current = refill.get();
        if (current != null) {
            return current;
        }
        Mono<Void> next = reserve.apply(block).collectList()
                .doOnNext(reserved -> {
                    if (reserved.isEmpty()) {
                        throw new IllegalStateException("no prediction ids could be reserved");
                    }
                    ids.addAll(reserved);
                    left.addAndGet(reserved.size());
                })
                .then()
                // cleared before waiting callers hear of the end: one that finds the ids taken by others starts
                // a new reservation instead of re-subscribing to this finished one (an endless synchronous loop)
                .doOnTerminate(() -> refill.set(null))
                .doOnCancel(() -> refill.set(null))
                .cache();
        return refill.compareAndSet(null, next) ? next : refill();
    }
}
