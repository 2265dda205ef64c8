package io.runstream.dataset.dataset;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.runstream.dataset.DatasetProperties;
import io.runstream.dataset.csv.CsvFiles;
import io.runstream.dataset.csv.CsvLineWriter;
import io.runstream.dataset.storage.ObjectStore;
import io.runstream.dataset.validation.ColumnSpec;
import io.runstream.platform.web.Problems;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dataset's validated rows: all validated files whose columns are the dataset's, in file order.
 * Streams them as one CSV (one header) or reads typed preview rows.
 */
@Component
public class DatasetContent {

    private final DatasetStore datasets;
    private final ObjectStore store;
    private final DatasetProperties properties;

    DatasetContent(DatasetStore datasets, ObjectStore store, DatasetProperties properties) {
        this.datasets = datasets;
        this.store = store;
        this.properties = properties;
    }

    /** The dataset, or a 404 problem. */
    public Mono<DatasetRow> dataset(String tenant, long id) {
        return datasets.find(tenant, id).switchIfEmpty(Mono.error(() -> Problems.notFound("dataset", String.valueOf(id))));
    }

    /** The validated files that hold the dataset's rows. */
    public Flux<FileRow> validatedFiles(String tenant, DatasetRow dataset) {
        if (dataset.columns() == null) {
            return Flux.empty();
        }
        List<String> names = names(dataset.columns());
        return datasets.files(tenant, dataset.id())
                .filter(FileRow::validated)
                .filter(file -> file.columns() != null && names(file.columns()).equals(names));
    }

    /** One CSV: the header, then each validated copy without its own header line (skipped by its exact byte length). */
    public Flux<DataBuffer> csv(String tenant, DatasetRow dataset) {
        if (dataset.columns() == null) {
            return Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(new byte[0]));
        }
        byte[] header = headerBytes(names(dataset.columns()));
        return Flux.concat(Mono.fromSupplier(() -> DefaultDataBufferFactory.sharedInstance.wrap(header)),
                validatedFiles(tenant, dataset).concatMap(file ->
                        DataBufferUtils.skipUntilByteCount(store.read(tenant, file.validatedKey()), header.length)));
    }

    /** Up to {@code limit} rows as typed values (Long, Double, Boolean, String; null when missing). */
    public Mono<List<Map<String, Object>>> preview(String tenant, DatasetRow dataset, int limit) {
        List<ColumnSpec> columns = dataset.columns();
        return validatedFiles(tenant, dataset).collectList().flatMap(files -> Mono.fromCallable(() -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (FileRow file : files) {
                if (rows.size() >= limit) {
                    break;
                }
                try (InputStream in = store.openInput(tenant, file.validatedKey());
                     CsvReader<CsvRecord> reader = CsvFiles.reader(in, properties.validation().maxFieldChars())) {
                    Iterator<CsvRecord> records = reader.iterator();
                    if (records.hasNext()) {
                        records.next();
                    }
                    while (records.hasNext() && rows.size() < limit) {
                        rows.add(typed(columns, records.next()));
                    }
                }
            }
            return rows;
        }).subscribeOn(Schedulers.boundedElastic()));
    }

    static Map<String, Object> typed(List<ColumnSpec> columns, CsvRecord record) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int c = 0; c < columns.size(); c++) {
            ColumnSpec column = columns.get(c);
            String value = c < record.getFieldCount() ? record.getField(c) : "";
            String canonical = value.isEmpty() ? null : column.dataType().canonical(value);
            row.put(column.columnName(), canonical == null ? (value.isEmpty() ? null : value) : column.dataType().typed(canonical));
        }
        return row;
    }

    public static List<String> names(List<ColumnSpec> columns) {
        return columns.stream().map(ColumnSpec::columnName).toList();
    }

    /** The header exactly as the validator's CsvLineWriter wrote it. */
    static byte[] headerBytes(List<String> names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CsvLineWriter writer = new CsvLineWriter(out)) {
            writer.writeRecord(names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
