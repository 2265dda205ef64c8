package io.runstream.job.executor;

import io.runstream.job.support.Events;
import io.runstream.job.artifact.ArtifactStore;
import io.runstream.job.config.JobProperties;
import io.runstream.job.definition.JobDefinition;
import io.runstream.job.definition.JobDefinitions;
import io.runstream.platform.event.EventCodec;
import io.runstream.platform.event.EventTypes;
import io.runstream.platform.event.RunEvents;
import io.runstream.platform.kafka.Topics;
import io.runstream.platform.outbox.ProcessedEvents;
import io.runstream.platform.run.RunRef;
import io.runstream.platform.run.RunReporter;
import io.runstream.platform.run.RunStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Command jobs as local processes. Process I/O blocks, so each run occupies one thread of a bounded
 * worker pool (runs beyond it wait in {@code pending}), plus two reader threads for its output; these are
 * plain threads, never event loops, so they may wait on the reactive calls they make.
 */
@Component
class LocalCommandExecutor implements CommandExecutor, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LocalCommandExecutor.class);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*}}");
    private static final Pattern LEVEL_PREFIX = Pattern.compile("^\\[?(TRACE|DEBUG|INFO|WARN|WARNING|ERROR)\\]?[:\\s].*",
            Pattern.CASE_INSENSITIVE);

    private final JobDefinitions definitions;
    private final RunReporter reporter;
    private final ProcessedEvents processed;
    private final TransactionalOperator tx;
    private final KafkaOperations<Object, Object> kafka;
    private final Topics topics;
    private final EventCodec codec;
    private final ArtifactStore artifacts;
    private final DatabaseClient db;
    private final JobProperties.Executor properties;
    private final String executor;
    private final ThreadPoolExecutor workers;
    private final ExecutorService readers = Executors.newCachedThreadPool(named("command-output"));
    private final ScheduledExecutorService ticker = Executors.newScheduledThreadPool(1, named("command-ticker"));
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();

    LocalCommandExecutor(JobDefinitions definitions, RunReporter reporter, ProcessedEvents processed,
                         TransactionalOperator tx, KafkaOperations<Object, Object> kafka, Topics topics, EventCodec codec,
                         ArtifactStore artifacts, DatabaseClient db, JobProperties properties,
                         @Value("${spring.application.name}") String executor) {
        this.definitions = definitions;
        this.reporter = reporter;
        this.processed = processed;
        this.tx = tx;
        this.kafka = kafka;
        this.topics = topics;
        this.codec = codec;
        this.artifacts = artifacts;
        this.db = db;
        this.properties = properties.executor();
        this.executor = executor;
        int slots = Math.max(1, this.properties.maxConcurrent());
        this.workers = new ThreadPoolExecutor(slots, slots, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                named("command-worker"));
    }

    /** One attempt of a run on this instance. */
    private static final class Execution {
        final RunRef run;
        final RunEvents.RunCreated created;
        volatile Process process;
        volatile boolean cancelled;
        volatile boolean paused;
        final AtomicLong seq = new AtomicLong();

        Execution(RunRef run, RunEvents.RunCreated created) {
            this.run = run;
            this.created = created;
        }
    }

    @Override
    public void submit(String eventId, RunRef run, RunEvents.RunCreated created) {
        Boolean first = tx.transactional(processed.firstTime("job-command-executor", eventId)).block(WAIT);
        if (!Boolean.TRUE.equals(first)) {
            return;
        }
        Execution execution = new Execution(run, created);
        executions.put(run.runId(), execution);
        workers.execute(() -> {
            try {
                execute(execution);
            } catch (RuntimeException e) {
                log.warn("command run {} failed in the executor: {}", run.runId(), e.toString());
                finish(execution, RunStatus.FAILED, null, new RunEvents.RunError("executor_error", e.getMessage()));
            } finally {
                executions.remove(run.runId(), execution);
            }
        });
    }

    @Override
    public boolean control(String runId, String controlType) {
        Execution execution = executions.get(runId);
        if (execution == null) {
            return false;
        }
        switch (controlType) {
            case EventTypes.RUN_CANCEL_REQUESTED -> {
                execution.cancelled = true;
                Process process = execution.process;
                if (process != null) {
                    signal(process, "CONT"); // a stopped process must run to die
                    killTree(process);
                }
            }
            case EventTypes.RUN_PAUSE_REQUESTED -> {
                Process process = execution.process;
                if (process != null && !execution.paused && process.isAlive()) {
                    signal(process, "STOP");
                    execution.paused = true;
                    tx.transactional(reporter.paused(execution.run)).block(WAIT);
                }
            }
            case EventTypes.RUN_RESUME_REQUESTED -> {
                Process process = execution.process;
                if (process != null && execution.paused) {
                    signal(process, "CONT");
                    execution.paused = false;
                    tx.transactional(reporter.resumed(execution.run)).block(WAIT);
                }
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private void execute(Execution execution) {
        RunRef run = execution.run;
        if (execution.cancelled) {
            return;
        }
        JobDefinition definition = definitions.get(run.tenant(), run.jobId()).block(WAIT);
        if (definition == null || !definition.isCommand()) {
            finish(execution, RunStatus.FAILED, null, new RunEvents.RunError("unknown_job", "no command job " + run.jobId()));
            return;
        }
        Path work = null;
        try {
            Path base = properties.workDir() == null ? Files.createTempDirectory("runstream-job-")
                    : Files.createDirectories(Path.of(properties.workDir()));
            work = Files.createDirectories(base.resolve(run.runId() + "-" + run.attempt()));
            Path artifactsDir = Files.createDirectories(work.resolve("artifacts"));
            Path resultFile = work.resolve("result.json");
            JsonNode args = execution.created.args() == null ? codec.mapper().createObjectNode() : execution.created.args();

            ProcessBuilder builder = new ProcessBuilder(commandLine(definition.command(), args)).directory(work.toFile());
            Map<String, String> env = builder.environment();
            if (definition.env() != null) {
                env.putAll(definition.env());
            }
            args.properties().forEach(entry -> {
                if (entry.getValue().isValueNode()) {
                    env.put("ARG_" + entry.getKey().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_"),
                            entry.getValue().asString(""));
                }
            });
            env.put("RUNSTREAM_ARGS", args.toString());
            env.put("RUNSTREAM_RUN_ID", run.runId());
            env.put("RUNSTREAM_ATTEMPT", Integer.toString(run.attempt()));
            env.put("RUNSTREAM_RESULT_FILE", resultFile.toString());
            env.put("RUNSTREAM_ARTIFACTS_DIR", artifactsDir.toString());

            Process process = builder.start();
            execution.process = process;
            tx.transactional(reporter.started(run, executor, properties.leaseSeconds())).block(WAIT);
            if (execution.cancelled) {
                killTree(process);
            }
            var stdout = readers.submit(() -> pump(execution, process.getInputStream(), "info"));
            var stderr = readers.submit(() -> pump(execution, process.getErrorStream(), "error"));
            var heartbeat = ticker.scheduleWithFixedDelay(() -> heartbeat(execution),
                    properties.heartbeatInterval().toMillis(), properties.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
            var sampler = ticker.scheduleWithFixedDelay(() -> sample(execution),
                    0, properties.sampleInterval().toMillis(), TimeUnit.MILLISECONDS);
            boolean expired = false;
            try {
                if (definition.expiresSeconds() != null) {
                    expired = !process.waitFor(definition.expiresSeconds(), TimeUnit.SECONDS);
                    if (expired) {
                        signal(process, "CONT");
                        killTree(process);
                    }
                }
                process.waitFor();
                stdout.get(10, TimeUnit.SECONDS);
                stderr.get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                killTree(process);
            } catch (Exception e) {
                log.debug("output of {} not fully read: {}", run.runId(), e.toString());
            } finally {
                heartbeat.cancel(false);
                sampler.cancel(false);
            }
            int exit = process.exitValue();
            artifacts.collect(run.tenant(), run.runId(), run.attempt(), artifactsDir).then().block(WAIT);
            if (execution.cancelled) {
                finish(execution, RunStatus.CANCELLED, null, new RunEvents.RunError("cancelled", "the process was stopped"));
            } else if (expired) {
                finish(execution, RunStatus.FAILED, null, new RunEvents.RunError("expired",
                        "the run exceeded its expiry of " + definition.expiresSeconds() + " s and was stopped"));
            } else if (exit == 0) {
                finish(execution, RunStatus.COMPLETED, readResult(execution, resultFile), null);
            } else {
                finish(execution, RunStatus.FAILED, readResult(execution, resultFile),
                        new RunEvents.RunError("exit_code", "the process exited with code " + exit));
            }
        } catch (IOException e) {
            finish(execution, RunStatus.FAILED, null, new RunEvents.RunError("launch_failed", e.getMessage()));
        } finally {
            deleteQuietly(work);
        }
    }

    private List<String> commandLine(JsonNode command, JsonNode args) {
        List<String> argv = new ArrayList<>();
        if (command.isString()) {
            argv.add(properties.shell());
            argv.add("-c");
            argv.add(command.asString()); // args reach a shell line only as environment variables
            return argv;
        }
        for (JsonNode part : command) {
            Matcher m = PLACEHOLDER.matcher(part.asString(""));
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                JsonNode value = args.path(m.group(1));
                m.appendReplacement(out, Matcher.quoteReplacement(value.isMissingNode() || value.isNull() ? ""
                        : value.isValueNode() ? value.asString("") : value.toString()));
            }
            m.appendTail(out);
            argv.add(out.toString());
        }
        return argv;
    }

    private void pump(Execution execution, InputStream stream, String defaultLevel) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String level = defaultLevel;
                Matcher m = LEVEL_PREFIX.matcher(line);
                if (m.matches()) {
                    level = m.group(1).toLowerCase(Locale.ROOT).replace("warning", "warn");
                }
                publishLog(execution, level, line);
            }
        } catch (IOException e) {
            log.debug("output of {} closed: {}", execution.run.runId(), e.toString());
        }
    }

    /** Straight to Kafka in the order read (RunReporter's log would hop threads and could reorder lines). */
    private void publishLog(Execution execution, String level, String message) {
        RunRef run = execution.run;
        var line = new RunEvents.LogLine(run.runId(), null, execution.seq.incrementAndGet(), Instant.now(), level,
                message, null, null);
        var event = Events.create(codec, reporter.source(), EventTypes.RUN_OUTPUT, run.runId(), run.tenant(), line);
        kafka.send(topics.runLogs(), run.runId(), codec.write(event));
    }

    private void heartbeat(Execution execution) {
        try {
            reporter.heartbeat(execution.run, executor, properties.leaseSeconds()).block(WAIT);
        } catch (RuntimeException e) {
            log.debug("heartbeat of {} failed: {}", execution.run.runId(), e.toString());
        }
    }

    /** cpu (percent of one core since the last sample) and memory (MiB resident) of the process tree, from /proc. */
    private final Map<String, long[]> lastCpu = new ConcurrentHashMap<>();

    private void sample(Execution execution) {
        Process process = execution.process;
        if (process == null || !process.isAlive()) {
            return;
        }
        long ticks = 0;
        long rssKb = 0;
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        process.descendants().forEach(tree::add);
        for (ProcessHandle handle : tree) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                for (String statusLine : Files.readAllLines(Path.of("/proc", Long.toString(handle.pid()), "status"))) {
                    if (statusLine.startsWith("VmRSS:")) {
                        rssKb += Long.parseLong(statusLine.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process ended between listing and reading, or /proc is not there
            }
        }
        long now = System.nanoTime();
        long[] previous = lastCpu.put(execution.run.runId(), new long[]{now, ticks});
        Instant time = Instant.now();
        Mono<Void> writes = insertMetric(execution, "memory", rssKb / 1024.0, time);
        if (previous != null && now > previous[0]) {
            double seconds = (now - previous[0]) / 1e9;
            double cpu = Math.max(0, (ticks - previous[1]) / 100.0 / seconds * 100.0);
            writes = writes.then(insertMetric(execution, "cpu", cpu, time));
        }
        try {
            writes.block(WAIT);
        } catch (RuntimeException e) {
            log.debug("metrics of {} not stored: {}", execution.run.runId(), e.toString());
        }
    }

    private Mono<Void> insertMetric(Execution execution, String name, double value, Instant time) {
        return db.sql("insert into run_metric (run_id, tenant_id, name, time, value) values (:r, :t, :n, :time, :v)")
                .bind("r", execution.run.runId()).bind("t", execution.run.tenant()).bind("n", name)
                .bind("time", time).bind("v", value).then();
    }

    private JsonNode readResult(Execution execution, Path resultFile) {
        try {
            if (!Files.isRegularFile(resultFile)) {
                return null;
            }
            return codec.mapper().readTree(Files.readString(resultFile));
        } catch (IOException | RuntimeException e) {
            publishLog(execution, "warn", "the result file is not valid JSON and was ignored: " + e.getMessage());
            return null;
        }
    }

    private void finish(Execution execution, RunStatus status, JsonNode result, RunEvents.RunError error) {
        lastCpu.remove(execution.run.runId());
        try {
            tx.transactional(reporter.finished(execution.run, status, result, error)).block(WAIT);
        } catch (RuntimeException e) {
            log.warn("could not report the end of {}: {}", execution.run.runId(), e.toString());
        }
    }

    private static void signal(Process process, String signal) {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        command.add(Long.toString(process.pid()));
        process.descendants().forEach(child -> command.add(Long.toString(child.pid())));
        try {
            new ProcessBuilder(command).redirectErrorStream(true).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            log.warn("could not send SIG{} to {}: {}", signal, process.pid(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void deleteQuietly(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }

    @Override
    public void destroy() {
        executions.values().forEach(execution -> {
            Process process = execution.process;
            if (process != null) {
                killTree(process);
            }
        });
        workers.shutdownNow();
        readers.shutdownNow();
        ticker.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
