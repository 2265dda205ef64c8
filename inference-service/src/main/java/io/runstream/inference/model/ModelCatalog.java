package io.runstream.inference.model;

import io.runstream.inference.config.InferenceProperties;
import io.runstream.model.Preprocessing;
import io.runstream.platform.event.EventCodec;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Models loaded lazily from training-service into a bounded LRU cache. Concurrent requests for a
 * model share one load. Files are checked against the manifest's SHA-256 before the booster is
 * built, so a half-written or swapped model is never served. A finished training evicts its
 * predictor's entry (run events); entries also re-check their version after a while.
 */
@Component
public class ModelCatalog {

    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);

    private record Key(String tenant, long trainId) {
    }

    private final TrainingModels models;
    private final EventCodec codec;
    private final InferenceProperties properties;
    private final Map<Key, Mono<LoadedModel>> cache;

    public ModelCatalog(TrainingModels models, EventCodec codec, InferenceProperties properties) {
        this.models = models;
        this.codec = codec;
        this.properties = properties;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Mono<LoadedModel>> eldest) {
                return size() > Math.max(1, properties.cacheSize());
            }
        };
    }

    /** The predictor's active model: errors with {@link ModelUnavailableException}. */
    public Mono<LoadedModel> get(String tenant, long trainId) {
        Key key = new Key(tenant, trainId);
        Mono<LoadedModel> entry;
        synchronized (cache) {
            entry = cache.computeIfAbsent(key, k -> load(k, null));
        }
        return entry.flatMap(model -> {
            if (Instant.now().isBefore(model.checkedAt().plus(properties.cacheRevalidateAfter()))) {
                return Mono.just(model);
            }
            return revalidate(key, model);
        }).doOnError(e -> forget(key, null));
    }

    /** Drops a predictor's model (a newer one was trained). */
    public void evict(String tenant, long trainId) {
        forget(new Key(tenant, trainId), null);
    }

    public int size() {
        synchronized (cache) {
            return cache.size();
        }
    }

    private Mono<LoadedModel> revalidate(Key key, LoadedModel current) {
        Mono<LoadedModel> next = models.metadata(key.tenant(), key.trainId()).flatMap(metadata ->
                metadata.path("model_version").asInt() == current.version()
                        && metadata.path("preprocess_id").asLong() == current.preprocessId()
                        ? Mono.just(current.checked(Instant.now())) : fetch(key, metadata)).cache();
        synchronized (cache) {
            cache.put(key, next);
        }
        return next;
    }

    private void forget(Key key, Mono<LoadedModel> expected) {
        synchronized (cache) {
            if (expected == null || cache.get(key) == expected) {
                cache.remove(key);
            }
        }
    }

    private Mono<LoadedModel> load(Key key, JsonNode knownMetadata) {
        Mono<JsonNode> metadata = knownMetadata != null ? Mono.just(knownMetadata) : models.metadata(key.tenant(), key.trainId());
        return metadata.flatMap(m -> fetch(key, m)).cache();
    }

    private Mono<LoadedModel> fetch(Key key, JsonNode metadata) {
        int version = metadata.path("model_version").asInt();
        JsonNode files = metadata.path("manifest").path("files");
        return Mono.zip(models.file(key.tenant(), key.trainId(), version, "model.json"),
                        models.file(key.tenant(), key.trainId(), version, "preprocess.json"))
                .publishOn(Schedulers.boundedElastic())
                .map(bytes -> {
                    verify("model.json", bytes.getT1(), files);
                    verify("preprocess.json", bytes.getT2(), files);
                    Preprocessing preprocessing = codec.mapper().readValue(bytes.getT2(), Preprocessing.class);
                    if (preprocessing.formatVersion() != Preprocessing.FORMAT_VERSION) {
                        throw new ModelUnavailableException(ModelUnavailableException.Reason.UNAVAILABLE,
                                "The model's preprocessing has format " + preprocessing.formatVersion()
                                        + ", this service reads " + Preprocessing.FORMAT_VERSION, null);
                    }
                    Booster booster = booster(bytes.getT1());
                    log.info("loaded model {} v{} of tenant {}", key.trainId(), version, key.tenant());
                    return new LoadedModel(key.tenant(), key.trainId(), version, metadata.path("preprocess_id").asLong(),
                            metadata.path("predictor_name").asString(null), metadata.path("problem_type").asString(null),
                            metadata.path("domain").asString(null), preprocessing, booster, Instant.now());
                });
    }

    private static Booster booster(byte[] model) {
        try {
            Booster booster = XGBoost.loadModel(new ByteArrayInputStream(model));
            booster.setParam("nthread", 1);
            return booster;
        } catch (Exception e) {
            throw new ModelUnavailableException(ModelUnavailableException.Reason.UNAVAILABLE,
                    "The model file could not be loaded: " + e.getMessage(), null);
        }
    }

    private static void verify(String name, byte[] bytes, JsonNode files) {
        String expected = files.path(name).path("sha256").asString(null);
        if (expected == null || !expected.equals(sha256(bytes))) {
            throw new ModelUnavailableException(ModelUnavailableException.Reason.UNAVAILABLE,
                    "The model file " + name + " does not match its manifest", null);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
