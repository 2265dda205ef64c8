package io.runstream.dataset.validation;

import io.runstream.dataset.DatasetProperties;
import io.runstream.dataset.storage.FollowedWrite;
import io.runstream.dataset.storage.ObjectStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * Validation while the upload arrives: a file's validation starts on its bytes as they are stored (following the
 * write on boundedElastic), so that receiving and validating use a core each instead of adding up. The outcome is
 * the one {@link ValidationService#validate} would compute from the stored file against the same columns — the same
 * validator over the same bytes; the validated copy is written to a staging object and moved into place when the
 * file's validation (inline, or its dataset/validate run) takes the result. A result is used only when the columns
 * the file validates against then equal those it was started with; otherwise it is dropped and the stored file is
 * validated as before. At most {@code runs.workers} early validations run at a time (the others validate as before).
 */
@Component
public class EarlyValidations {

    private static final Logger log = LoggerFactory.getLogger(EarlyValidations.class);
    /** How long a finished early validation waits to be taken (e.g. by a run still queued) before it is dropped. */
    private static final Duration UNCLAIMED = Duration.ofMinutes(30);

    private final ObjectStore store;
    private final FileValidator validator;
    private final Semaphore permits;
    private final Map<Long, Early> byFile = new ConcurrentHashMap<>();

    private final Counter taken;
    private final Counter dropped;

    EarlyValidations(ObjectStore store, DatasetProperties properties, MeterRegistry meters) {
        this.store = store;
        this.taken = Counter.builder("runstream.dataset.validation.early").tag("result", "taken")
                .description("validations started while the upload arrived whose result was used").register(meters);
        this.dropped = Counter.builder("runstream.dataset.validation.early").tag("result", "dropped")
                .description("validations started while the upload arrived that were stopped or not used").register(meters);
        this.validator = new FileValidator(properties.validation());
        this.permits = new Semaphore(Math.max(1, properties.runs().workers()));
    }

    /**
     * Starts validating what {@code source} follows against {@code columns} (null: infer them); null when as many
     * early validations as allowed are running already.
     */
    public Early start(String tenant, FollowedWrite source, List<ColumnSpec> columns) {
        if (!permits.tryAcquire()) {
            return null;
        }
        Early early = new Early(tenant, "staging/" + UUID.randomUUID() + ".validated", columns, source);
        early.outcome = Mono.fromCallable(() -> {
                    try (CountingInput in = new CountingInput(source.input(), early);
                         OutputStream out = store.openOutput(tenant, early.validatedKey)) {
                        return validator.validate(in, out, columns, early::rows);
                    }
                })
                .subscribeOn(Schedulers.boundedElastic())
                .doFinally(signal -> permits.release())
                .onErrorResume(error -> early.dropOutput().then(Mono.error(error)))
                .cache();
        early.outcome.subscribe(outcome -> {
        }, error -> log.debug("early validation stopped: {}", error.toString()));
        return early;
    }

    /** The file's early validation from now on (inside the transaction that registers the file). */
    public void register(long fileId, Early early) {
        early.fileId = fileId;
        byFile.put(fileId, early);
        // dropped when nobody takes it (e.g. the run went to another instance)
        early.outcome.onErrorResume(error -> Mono.empty())
                .then(Mono.delay(UNCLAIMED))
                .subscribe(tick -> {
                    if (byFile.remove(fileId, early)) {
                        early.abandon("not taken");
                    }
                });
    }

    /** The file's early validation, at most once; null when there is none. */
    Early take(long fileId) {
        return byFile.remove(fileId);
    }

    /** Its result is used (the file's validation took it over). */
    void used(Early early) {
        taken.increment();
    }

    /** Stops it (the upload failed): its reader fails, its staging output is removed, the registry forgets it. */
    public void abandon(Early early, String reason) {
        if (early.fileId != null) {
            byFile.remove(early.fileId, early);
        }
        early.abandon(reason);
    }

    /** One file's validation started while it was uploaded. */
    public final class Early {
        final String tenant;
        final String validatedKey;
        final List<ColumnSpec> columns;
        final FollowedWrite source;
        final AtomicBoolean dropped = new AtomicBoolean();
        final AtomicBoolean outputDropped = new AtomicBoolean();
        volatile long bytesRead;
        /** Told every {@link FileValidator#PROGRESS_EVERY} rows the bytes read so far, once the file's validation took it. */
        volatile LongConsumer listener;
        volatile Long fileId;
        Mono<ValidationOutcome> outcome;

        Early(String tenant, String validatedKey, List<ColumnSpec> columns, FollowedWrite source) {
            this.tenant = tenant;
            this.validatedKey = validatedKey;
            this.columns = columns;
            this.source = source;
        }

        private void rows(long rowsSoFar) {
            LongConsumer current = listener;
            if (current != null) {
                current.accept(bytesRead);
            }
        }

        void abandon(String reason) {
            if (dropped.compareAndSet(false, true)) {
                EarlyValidations.this.dropped.increment();
            } else {
                return;
            }
            source.abandon(reason);
            outcome.onErrorResume(error -> Mono.empty()).then(dropOutput()).subscribe();
        }

        Mono<Void> dropOutput() {
            return outputDropped.compareAndSet(false, true)
                    ? store.delete(tenant, validatedKey).onErrorResume(error -> Mono.empty())
                    : Mono.empty();
        }
    }

    private static final class CountingInput extends FilterInputStream {
        private final Early early;

        CountingInput(InputStream in, Early early) {
            super(in);
            this.early = early;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                early.bytesRead++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                early.bytesRead += n;
            }
            return n;
        }
    }
}
