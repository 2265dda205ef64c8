package io.runstream.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StackSettingsTest {

    @TempDir
    Path repo;

    @Test
    void defaults_areTheContractPorts() throws Exception {
        Files.createDirectories(repo.resolve("deploy/local/stack"));
        Files.writeString(repo.resolve("deploy/local/stack/pom.xml"), "<project/>");

        StackSettings settings = StackSettings.from(new String[] {"--repo=" + repo}, Map.of());

        assertThat(settings.postgresPort()).isEqualTo(15432);
        assertThat(settings.kafkaPort()).isEqualTo(19092);
        assertThat(settings.basePort()).isEqualTo(8080);
        assertThat(Service.INFERENCE.port(settings.basePort())).isEqualTo(8085);
        assertThat(settings.dataDirectory()).isEqualTo(repo.resolve("deploy/local/data"));
        assertThat(settings.adminUsername()).isEqualTo("admin");
        assertThat(settings.detach()).isFalse();
    }

    @Test
    void options_winOverEnvironment() {
        StackSettings settings = StackSettings.from(
                new String[] {"--repo=" + repo, "--base-port=9080", "--detach"},
                Map.of("RUNSTREAM_BASE_PORT", "7080", "RUNSTREAM_KAFKA_PORT", "29092", "RUNSTREAM_DATA_DIR", "/tmp/x"));

        assertThat(settings.basePort()).isEqualTo(9080);
        assertThat(settings.kafkaPort()).isEqualTo(29092);
        assertThat(settings.kafkaControllerPort()).isEqualTo(29093);
        assertThat(settings.dataDirectory()).isEqualTo(Path.of("/tmp/x"));
        assertThat(settings.detach()).isTrue();
    }

    @Test
    void unknownOption_isRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> StackSettings.from(new String[] {"--repo=" + repo, "--bse-port=1"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--bse-port").hasMessageContaining("--base-port");
    }

    @Test
    void secret_isGeneratedOnceReadableByOwnerOnly_thenReused() throws Exception {
        Path file = repo.resolve("data/admin-password");

        Secrets.Secret first = Secrets.readOrGenerate(file, 15);
        Secrets.Secret second = Secrets.readOrGenerate(file, 15);

        assertThat(first.generated()).isTrue();
        assertThat(first.value()).hasSize(20);
        assertThat(second.generated()).isFalse();
        assertThat(second.value()).isEqualTo(first.value());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
}
