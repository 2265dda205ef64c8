package io.runstream.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** One service of the stack running as a child JVM, its stdout and stderr in {@code <data>/logs/<service>.log}. */
final class ServiceProcess {

    private final Service service;
    private final int port;
    private final Process process;
    private final Path log;

    private ServiceProcess(Service service, int port, Process process, Path log) {
        this.service = service;
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** The service's packaged Spring Boot jar, {@code <module>/target/<module>-<version>.jar}. */
    static Path jar(Path repository, Service service) {
        Path target = repository.resolve(service.module()).resolve("target");
        String prefix = service.module() + "-";
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                return files.filter(file -> {
                            String name = file.getFileName().toString();
                            return name.startsWith(prefix) && name.endsWith(".jar") && !name.endsWith("-sources.jar")
                                    && !name.endsWith("-tests.jar") && !name.endsWith("-javadoc.jar")
                                    && !name.endsWith("-plain.jar");
                        })
                        .max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()))
                        .orElse(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return null;
    }

    static ServiceProcess start(Service service, int port, List<String> command, Map<String, String> environment,
                                Path workingDirectory, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        if (Files.exists(log)) {
            Files.move(log, log.resolveSibling(log.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(workingDirectory);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        return new ServiceProcess(service, port, builder.start(), log);
    }

    Service service() {
        return service;
    }

    String name() {
        return service.module();
    }

    int port() {
        return port;
    }

    Path log() {
        return log;
    }

    Process process() {
        return process;
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Spring Boot's failure analysis ("APPLICATION FAILED TO START ... Description ... Action"), unwrapped from the
     * structured JSON log line that carries it, or null when the log has none.
     */
    String startupFailure() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i);
                int start = line.indexOf("APPLICATION FAILED TO START");
                if (start >= 0) {
                    int end = line.indexOf("\",\"", start);
                    String text = line.substring(start, end > 0 ? end : line.length());
                    return text.replace("\\n", "\n").replace("\\t", "\t").replace("\\\"", "\"").trim();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
        return null;
    }

    /** The last lines of the service's log, for error messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size())));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
