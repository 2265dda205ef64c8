package io.runstream.dataset.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectKeysTest {

    @Test
    void fileNames_areReducedToOneSafeSegment() {
        assertThat(ObjectKeys.sanitizeFileName("../../etc/passwd")).isEqualTo("passwd");
        assertThat(ObjectKeys.sanitizeFileName("..\\..\\win.ini")).isEqualTo("win.ini");
        assertThat(ObjectKeys.sanitizeFileName("my data (v2).csv")).isEqualTo("my_data__v2_.csv");
        assertThat(ObjectKeys.sanitizeFileName("..")).isEqualTo("file.csv");
        assertThat(ObjectKeys.sanitizeFileName(".hidden..csv")).isEqualTo("hidden.csv");
        assertThat(ObjectKeys.sanitizeFileName(null)).isEqualTo("file.csv");
        assertThat(ObjectKeys.isSafe(ObjectKeys.sanitizeFileName("a/../../" + "x".repeat(500)))).isTrue();
    }

    @Test
    void unsafeKeys_neverResolve_outsideTheTenantArea(@TempDir Path root) {
        LocalObjectStore store = new LocalObjectStore(root);
        assertThat(store.resolve("acme", "datasets/1/files/2/a.csv").startsWith(root.resolve("tenants/acme"))).isTrue();
        for (String bad : List.of("../globex/x", "/etc/passwd", "a/../../b", "a//b", "", "a/./b", "..", "a\\b")) {
            assertThatThrownBy(() -> store.resolve("acme", bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        // a tenant id that is not a safe segment cannot reach another area either
        assertThat(store.resolve("../globex", "x").startsWith(root.resolve("tenants"))).isTrue();
        assertThat(store.resolve("../globex", "x").getParent().getFileName().toString()).startsWith("t-");
    }
}
