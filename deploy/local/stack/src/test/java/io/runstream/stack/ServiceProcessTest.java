package io.runstream.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceProcessTest {

    @TempDir
    Path data;

    @Test
    void startupFailure_unwrapsSpringBootsFailureAnalysisFromTheJsonLog() throws Exception {
        Path log = data.resolve("logs/auth-service.log");
        String json = "{\"log\":{\"level\":\"ERROR\"},\"message\":\"\\n\\n***************************\\nAPPLICATION FAILED TO START"
                + "\\n***************************\\n\\nDescription:\\n\\nParameter 0 of method serviceTokens required a bean of type "
                + "'WebClient$Builder' that could not be found.\\n\",\"ecs\":{\"version\":\"8.11\"}}";
        ServiceProcess service = ServiceProcess.start(Service.AUTH, 1, List.of("bash", "-c", "printf '%s\\n' \"$LINE\"; exit 3"),
                Map.of("LINE", json), data, log);
        service.process().waitFor();

        assertThat(service.process().exitValue()).isEqualTo(3);
        assertThat(service.startupFailure())
                .startsWith("APPLICATION FAILED TO START")
                .contains("Description:\n\nParameter 0 of method serviceTokens")
                .doesNotContain("\\n").doesNotContain("ecs");
    }

    @Test
    void startupFailure_isNullWhenTheLogHasNone() throws Exception {
        Path log = data.resolve("logs/job-service.log");
        ServiceProcess service = ServiceProcess.start(Service.JOB, 1, List.of("bash", "-c", "echo started"), Map.of(), data, log);
        service.process().waitFor();

        assertThat(Files.readString(log)).contains("started");
        assertThat(service.startupFailure()).isNull();
    }
}
