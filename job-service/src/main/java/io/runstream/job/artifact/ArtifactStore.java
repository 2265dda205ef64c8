package io.runstream.job.artifact;

import io.runstream.platform.web.Problems;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Run artifacts: files under {@code runstream.storage.root}/artifacts, described in the artifact table. */
@Component
public class ArtifactStore {

    private final DatabaseClient db;
    private final Path root;

    ArtifactStore(DatabaseClient db, @Value("${runstream.storage.root:./data/job-service}") String root) {
        this.db = db;
        this.root = Path.of(root).toAbsolutePath().normalize().resolve("artifacts");
    }

    public record Artifact(String id, String runId, int attempt, String name, String path, String mediaType,
                           long sizeBytes, Instant createdAt) {
    }

    /**
     * Moves the regular files of {@code folder} (recursively; names relative to it) into storage and records
     * them. Blocking file work happens on boundedElastic.
     */
    public Flux<Artifact> collect(String tenant, String runId, int attempt, Path folder) {
        return Mono.fromCallable(() -> moveAll(tenant, runId, attempt, folder))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMapMany(Flux::fromIterable)
                .concatMap(a -> db.sql("""
                                insert into artifact (id, tenant_id, run_id, attempt, name, path, media_type, size_bytes)
                                values (:id, :tenant, :runId, :attempt, :name, :path, :mediaType, :size)""")
                        .bind("id", a.id()).bind("tenant", tenant).bind("runId", runId).bind("attempt", attempt)
                        .bind("name", a.name()).bind("path", a.path()).bind("mediaType", a.mediaType())
                        .bind("size", a.sizeBytes()).then().thenReturn(a));
    }

    private List<Artifact> moveAll(String tenant, String runId, int attempt, Path folder) throws IOException {
        if (folder == null || !Files.isDirectory(folder)) {
            return List.of();
        }
        Path target = root.resolve(safe(tenant)).resolve(runId).resolve(Integer.toString(attempt));
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).filter(file -> !Files.isSymbolicLink(file)).sorted().map(file -> {
                try {
                    String name = folder.relativize(file).toString().replace('\\', '/');
                    Path stored = target.resolve(name).normalize();
                    if (!stored.startsWith(target)) {
                        return null;
                    }
                    Files.createDirectories(stored.getParent());
                    Files.move(file, stored, StandardCopyOption.REPLACE_EXISTING);
                    String mediaType = MediaTypeFactory.getMediaType(name).orElse(MediaType.APPLICATION_OCTET_STREAM).toString();
                    return new Artifact(ArtifactIds.next(), runId, attempt, name, root.relativize(stored).toString(),
                            mediaType, Files.size(stored), Instant.now());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).filter(a -> a != null).toList();
        }
    }

    public Flux<Artifact> list(String tenant, String runId, int limit) {
        var spec = db.sql("""
                        select * from artifact where tenant_id = :tenant and (cast(:runId as text) is null or run_id = :runId)
                        order by created_at desc, id desc limit :limit""")
                .bind("tenant", tenant).bind("limit", limit);
        spec = runId == null ? spec.bindNull("runId", String.class) : spec.bind("runId", runId);
        return spec.map(row -> new Artifact(row.get("id", String.class), row.get("run_id", String.class),
                row.get("attempt", Integer.class), row.get("name", String.class), row.get("path", String.class),
                row.get("media_type", String.class), row.get("size_bytes", Long.class),
                row.get("created_at", java.time.OffsetDateTime.class).toInstant())).all();
    }

    public Mono<Artifact> get(String tenant, String id) {
        return db.sql("select * from artifact where tenant_id = :tenant and id = :id").bind("tenant", tenant).bind("id", id)
                .map(row -> new Artifact(row.get("id", String.class), row.get("run_id", String.class),
                        row.get("attempt", Integer.class), row.get("name", String.class), row.get("path", String.class),
                        row.get("media_type", String.class), row.get("size_bytes", Long.class),
                        row.get("created_at", java.time.OffsetDateTime.class).toInstant()))
                .one()
                .switchIfEmpty(Mono.error(() -> Problems.notFound("artifact", id)));
    }

    /** The stored file of an artifact; its path was recorded by this service and is resolved inside the root. */
    public Path file(Artifact artifact) {
        Path file = root.resolve(artifact.path()).normalize();
        if (!file.startsWith(root)) {
            throw Problems.notFound("artifact", artifact.id());
        }
        return file;
    }

    public Mono<Void> deleteRun(String tenant, String runId) {
        return db.sql("delete from artifact where tenant_id = :tenant and run_id = :runId")
                .bind("tenant", tenant).bind("runId", runId).then()
                .then(Mono.fromRunnable(() -> deleteTree(root.resolve(safe(tenant)).resolve(runId)))
                        .subscribeOn(Schedulers.boundedElastic()).then());
    }

    private static void deleteTree(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // a leftover file does not make the run come back
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static String safe(String tenant) {
        return tenant.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
