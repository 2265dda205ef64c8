package io.runstream.dataset.storage;

import io.runstream.platform.web.Problems;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** The object store on a local folder: {@code <root>/tenants/<tenant>/<key>}. */
class LocalObjectStore implements ObjectStore {

    private static final int READ_BUFFER = 64 * 1024;

    private final Path root;

    LocalObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The file of {@code key} in the tenant's area; refuses anything that would leave it. */
    Path resolve(String tenant, String key) {
        ObjectKeys.require(key);
        Path area = tenantArea(tenant);
        Path path = area.resolve(key).normalize();
        if (!path.startsWith(area) || path.equals(area)) {
            throw new IllegalArgumentException("key leaves the tenant area: " + key);
        }
        return path;
    }

    private Path tenantArea(String tenant) {
        return root.resolve("tenants").resolve(ObjectKeys.tenantSegment(tenant)).normalize();
    }

    @Override
    public Mono<Long> write(String tenant, String key, Flux<DataBuffer> content, long maxBytes) {
        return write(tenant, key, content, maxBytes, null);
    }

    @Override
    public Mono<Long> write(String tenant, String key, Flux<DataBuffer> content, long maxBytes, FollowedWrite follower) {
        return Mono.defer(() -> {
            Path target = resolve(tenant, key);
            Path partial = target.resolveSibling(target.getFileName() + ".part-" + UUID.randomUUID());
            AtomicLong size = new AtomicLong();
            Flux<DataBuffer> counted = content.doOnNext(buffer -> {
                if (size.addAndGet(buffer.readableByteCount()) > maxBytes) {
                    DataBufferUtils.release(buffer);
                    throw Problems.tooLarge("A file may have at most " + maxBytes + " bytes");
                }
            });
            if (follower != null) {
                counted = counted.doOnNext(buffer -> follower.advanced());
            }
            Flux<DataBuffer> body = counted;
            // the follower opens the partial file once it exists; its descriptor stays valid across the moves
            return Mono.fromCallable(() -> {
                        Files.createDirectories(target.getParent());
                        Files.createFile(partial);
                        if (follower != null) {
                            follower.opened(Files.newInputStream(partial));
                        }
                        return partial;
                    })
                    .subscribeOn(Schedulers.boundedElastic())
                    .then(DataBufferUtils.write(body, partial, StandardOpenOption.WRITE))
                    .then(Mono.fromCallable(() -> Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE)).subscribeOn(Schedulers.boundedElastic()))
                    .doOnSuccess(moved -> {
                        if (follower != null) {
                            follower.completed();
                        }
                    })
                    .onErrorResume(error -> Mono.fromCallable(() -> Files.deleteIfExists(partial))
                            .subscribeOn(Schedulers.boundedElastic())
                            .then(Mono.error(error)))
                    .doOnError(error -> {
                        if (follower != null) {
                            follower.failed(error);
                        }
                    })
                    .doOnCancel(() -> {
                        // the request went away (client gone): nothing of it stays
                        Mono.fromCallable(() -> Files.deleteIfExists(partial)).subscribeOn(Schedulers.boundedElastic())
                                .subscribe(null, error -> { });
                        if (follower != null) {
                            follower.abandon("the upload was cancelled");
                        }
                    })
                    .then(Mono.fromSupplier(size::get));
        });
    }

    @Override
    public Flux<DataBuffer> read(String tenant, String key) {
        return Mono.fromCallable(() -> {
                    Path path = resolve(tenant, key);
                    if (!Files.isRegularFile(path)) {
                        throw new NoSuchObjectException(key);
                    }
                    return path;
                })
                .subscribeOn(Schedulers.boundedElastic())
                .flatMapMany(path -> DataBufferUtils.read(path, DefaultDataBufferFactory.sharedInstance, READ_BUFFER));
    }

    @Override
    public Mono<Long> size(String tenant, String key) {
        return Mono.fromCallable(() -> {
            Path path = resolve(tenant, key);
            return Files.isRegularFile(path) ? Files.size(path) : null;
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public Mono<Void> move(String tenant, String fromKey, String toKey) {
        return Mono.fromCallable(() -> {
            Path from = resolve(tenant, fromKey);
            Path to = resolve(tenant, toKey);
            Files.createDirectories(to.getParent());
            return Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }).subscribeOn(Schedulers.boundedElastic()).then();
    }

    @Override
    public Mono<Void> delete(String tenant, String key) {
        return Mono.fromCallable(() -> Files.deleteIfExists(resolve(tenant, key)))
                .subscribeOn(Schedulers.boundedElastic()).then();
    }

    @Override
    public Mono<Void> deleteTree(String tenant, String prefix) {
        return Mono.fromRunnable(() -> {
            Path dir = resolve(tenant, prefix);
            if (!Files.exists(dir)) {
                return;
            }
            try (Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                    try {
                        Files.deleteIfExists(path);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).subscribeOn(Schedulers.boundedElastic()).then();
    }

    @Override
    public InputStream openInput(String tenant, String key) throws IOException {
        Path path = resolve(tenant, key);
        try {
            return Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new NoSuchObjectException(key);
        }
    }

    @Override
    public OutputStream openOutput(String tenant, String key) throws IOException {
        Path path = resolve(tenant, key);
        Files.createDirectories(path.getParent());
        return Files.newOutputStream(path);
    }
}
