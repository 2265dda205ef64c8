package io.runstream.training.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;

/** The object store of models ({@code runstream.storage.root}): a local folder by default. */
@ConfigurationProperties("runstream.storage")
public record StorageProperties(@DefaultValue("./data/training-service") Path root) {
}
