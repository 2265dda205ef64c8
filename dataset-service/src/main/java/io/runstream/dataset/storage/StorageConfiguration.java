package io.runstream.dataset.storage;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    @Bean
    ObjectStore objectStore(StorageProperties properties) {
        return new LocalObjectStore(properties.root());
    }
}
