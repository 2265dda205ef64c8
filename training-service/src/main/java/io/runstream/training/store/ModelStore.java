package io.runstream.training.store;

import io.runstream.training.config.StorageProperties;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Model bundles on the local object store: {@code <root>/<tenant>/<train_id>/v<version>/} holding
 * {@code model.json} (XGBoost's JSON model), {@code preprocess.json} and {@code manifest.json}.
 * A bundle is written into a temporary folder and moved into place in one rename, so a reader never
 * sees half of one. Blocking file I/O: call from a worker or {@code boundedElastic}.
 */
@Component
public class ModelStore {

    public static final String MODEL = "model.json";
    public static final String PREPROCESS = "preprocess.json";
    public static final String MANIFEST = "manifest.json";
    public static final Set<String> FILES = Set.of(MODEL, PREPROCESS, MANIFEST);

    private final Path root;

    public ModelStore(StorageProperties properties) {
        this.root = properties.root().toAbsolutePath().normalize();
    }

    /** Writes the files and a manifest with their sizes and SHA-256; answers the bundle's folder relative to the root. */
    public String save(String tenant, long trainId, int version, Map<String, byte[]> files, Map<String, Object> manifest,
                       tools.jackson.databind.ObjectMapper json) {
        Path target = bundle(tenant, trainId, version);
        Path temp = target.resolveSibling(".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(temp);
            Map<String, Object> entries = new LinkedHashMap<>();
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                Files.write(temp.resolve(file.getKey()), file.getValue());
                entries.put(file.getKey(), Map.of("size", file.getValue().length, "sha256", sha256(file.getValue())));
            }
            Map<String, Object> full = new LinkedHashMap<>(manifest);
            full.put("files", entries);
            Files.writeString(temp.resolve(MANIFEST), json.writeValueAsString(full), StandardCharsets.UTF_8);
            if (Files.exists(target)) {
                deleteTree(target);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target);
            }
            return root.relativize(target).toString();
        } catch (IOException e) {
            deleteTree(temp);
            throw new UncheckedIOException(e);
        }
    }

    /** A file of a bundle, if it exists; {@code name} must be one of {@link #FILES}. */
    public Optional<Path> file(String tenant, long trainId, int version, String name) {
        if (!FILES.contains(name)) {
            return Optional.empty();
        }
        Path file = bundle(tenant, trainId, version).resolve(name);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    public void deletePredictor(String tenant, long trainId) {
        deleteTree(root.resolve(folder(tenant)).resolve(Long.toString(trainId)));
    }

    private Path bundle(String tenant, long trainId, int version) {
        return root.resolve(folder(tenant)).resolve(Long.toString(trainId)).resolve("v" + version);
    }

    /** Tenant ids become folder names only when they are plainly safe; others are hashed. */
    static String folder(String tenant) {
        return tenant.matches("[A-Za-z0-9_-]{1,64}") ? tenant : "t-" + sha256(tenant.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
