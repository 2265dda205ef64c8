package io.runstream.dataset.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;

/** {@code runstream.storage.root}: the folder of the local object store. */
@ConfigurationProperties("runstream.storage")
public record StorageProperties(Path root) {
}
