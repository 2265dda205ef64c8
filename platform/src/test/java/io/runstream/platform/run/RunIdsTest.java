package io.runstream.platform.run;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RunIdsTest {

    @Test
    void runIds_arePrefixedUlids() {
        String id = RunIds.newRunId();
        assertThat(id).startsWith("run_").hasSize(30).matches("run_[0-9A-HJKMNP-TV-Z]{26}");
        assertThat(RunIds.isValid(id)).isTrue();
    }

    @Test
    void runIds_areUniqueAndSortInCreationOrder() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(RunIds.newRunId());
        }
        assertThat(new HashSet<>(ids)).hasSize(ids.size());
        assertThat(ids).isSorted();
    }

    @Test
    void invalidIds_areRecognised() {
        assertThat(RunIds.isValid(null)).isFalse();
        assertThat(RunIds.isValid("run_")).isFalse();
        assertThat(RunIds.isValid("job_01HX0000000000000000000000")).isFalse();
        assertThat(RunIds.isValid("run_01HX000000000000000000000U")).isFalse(); // U is not Crockford
        assertThat(RunIds.isValid("run_../../etc/passwd0000000000")).isFalse();
    }
}
