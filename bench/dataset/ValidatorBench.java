import io.runstream.dataset.DatasetProperties;
import io.runstream.dataset.validation.ColumnSpec;
import io.runstream.dataset.validation.ColumnType;
import io.runstream.dataset.validation.FileValidator;
import io.runstream.dataset.validation.ValidationOutcome;

import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The validation core alone (the same FileValidator uploads and dataset/validate runs use): parses a
 * generated CSV against the bench template and writes the validated copy, then prints MB/s and the
 * peak heap. Run with a capped heap, see run_validator_bench.sh.
 */
public class ValidatorBench {

    public static void main(String[] args) throws Exception {
        Path csv = Path.of(args[0]);
        Path validated = Files.createTempFile("validated", ".csv");
        List<ColumnSpec> template = List.of(
                new ColumnSpec("id", ColumnType.INTEGER, null), new ColumnSpec("amount", ColumnType.FLOAT, null),
                new ColumnSpec("qty", ColumnType.INTEGER, null), new ColumnSpec("active", ColumnType.BOOLEAN, null),
                new ColumnSpec("day", ColumnType.DATE, null), new ColumnSpec("at", ColumnType.TIMESTAMP, null),
                new ColumnSpec("city", ColumnType.STRING, null), new ColumnSpec("score", ColumnType.FLOAT, null),
                new ColumnSpec("code", ColumnType.STRING, null), new ColumnSpec("note", ColumnType.STRING, null));
        var config = new DatasetProperties.Validation(0, 0.8, 100, 80, 16 * 1024 * 1024, 20, 1);
        long bytes = Files.size(csv);
        var threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        ValidationOutcome outcome;
        try (InputStream in = Files.newInputStream(csv);
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(validated), 1 << 16)) {
            outcome = new FileValidator(config).validate(in, out, template, rows -> { });
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf("validated %,d rows (%,d valid) of %.0f MB in %.2f s wall (%.1f MB/s), %.2f s CPU (%.1f MB/s per core);"
                        + " peak heap %.0f MB (max %d MB); reasons %s%n",
                outcome.totalRecords(), outcome.validRecords(), bytes / 1048576.0, seconds, bytes / 1048576.0 / seconds,
                cpuSeconds, bytes / 1048576.0 / cpuSeconds,
                peak / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576, outcome.report().errorsByReason());
        Files.deleteIfExists(validated);
    }
}
