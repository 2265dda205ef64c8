package io.runstream.dataset.validation;

import io.runstream.dataset.DatasetProperties;
import io.runstream.dataset.dataset.DatasetStore;
import io.runstream.dataset.dataset.FileRow;
import io.runstream.dataset.storage.ObjectStore;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleConsumer;

/**
 * Validates a stored file: reads its raw object, writes its validated copy, records the outcome
 * on the file and its dataset. Inline uploads and dataset/validate runs both come here, so the
 * stored outcome is the same either way.
 */
@Service
public class ValidationService {

    private final ObjectStore store;
    private final DatasetStore datasets;
    private final FileValidator validator;
    private final EarlyValidations early;

    ValidationService(ObjectStore store, DatasetStore datasets, DatasetProperties properties, EarlyValidations early) {
        this.store = store;
        this.datasets = datasets;
        this.early = early;
        this.validator = new FileValidator(properties.validation());
    }

    /**
     * @param template the columns to validate against, or null to infer them
     * @param progress told the share of the file's bytes read so far (0..1), from a worker thread
     */
    public Mono<ValidationOutcome> validate(String tenant, FileRow file, List<ColumnSpec> template, DoubleConsumer progress) {
        EarlyValidations.Early started = early.take(file.id());
        if (started != null) {
            if (Objects.equals(started.columns, template) && started.tenant.equals(tenant)) {
                return takeOver(tenant, file, started, progress);
            }
            early.abandon(started, "the columns changed");
        }
        return Mono.fromCallable(() -> {
                    try (CountingInputStream in = new CountingInputStream(store.openInput(tenant, file.rawKey()));
                         OutputStream out = store.openOutput(tenant, file.validatedKey())) {
                        long size = Math.max(1, file.sizeBytes());
                        return validator.validate(in, out, template, rows -> progress.accept(Math.min(1.0, (double) in.count / size)));
                    }
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(outcome -> datasets.recordOutcome(tenant, file, outcome).thenReturn(outcome))
                .onErrorResume(error -> datasets.recordFailure(tenant, file, String.valueOf(error.getMessage()))
                        .then(Mono.error(error)));
    }

    /**
     * Waits for a validation that started while the file was uploaded: its progress goes to {@code progress} from now
     * on (and is reported once at once), its validated copy is moved into place, its outcome recorded like any other.
     */
    private Mono<ValidationOutcome> takeOver(String tenant, FileRow file, EarlyValidations.Early started,
                                             DoubleConsumer progress) {
        long size = Math.max(1, file.sizeBytes());
        // progress may block (a paused run) or throw (a cancelled one): on a worker, as in the validator
        return Mono.fromRunnable(() -> {
                    started.listener = read -> progress.accept(Math.min(1.0, (double) read / size));
                    progress.accept(Math.min(1.0, (double) started.bytesRead / size));
                })
                .subscribeOn(Schedulers.boundedElastic())
                .then(started.outcome)
                .flatMap(outcome -> store.move(tenant, started.validatedKey, file.validatedKey()).thenReturn(outcome))
                .doOnNext(outcome -> early.used(started))
                .onErrorResume(error -> {
                    early.abandon(started, String.valueOf(error.getMessage()));
                    return Mono.error(error);
                })
                .flatMap(outcome -> datasets.recordOutcome(tenant, file, outcome).thenReturn(outcome))
                .onErrorResume(error -> datasets.recordFailure(tenant, file, String.valueOf(error.getMessage()))
                        .then(Mono.error(error)));
    }

    private static final class CountingInputStream extends FilterInputStream {
        volatile long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
