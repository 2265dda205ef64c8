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

    ValidationService(ObjectStore store, DatasetStore datasets, DatasetProperties properties) {
        this.store = store;
        this.datasets = datasets;
        this.validator = new FileValidator(properties.validation());
    }

    /**
     * @param template the columns to validate against, or null to infer them
     * @param progress told the share of the file's bytes read so far (0..1), from a worker thread
     */
    public Mono<ValidationOutcome> validate(String tenant, FileRow file, List<ColumnSpec> template, DoubleConsumer progress) {
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
