package io.runstream.platform.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static io.runstream.platform.run.RunStatus.CANCELLED;
import static io.runstream.platform.run.RunStatus.COMPLETED;
import static io.runstream.platform.run.RunStatus.FAILED;
import static io.runstream.platform.run.RunStatus.PAUSED;
import static io.runstream.platform.run.RunStatus.PENDING;
import static io.runstream.platform.run.RunStatus.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunStatusTest {

    /** DESIGN.md's diagram, written out independently of the enum's switch. */
    private static final Map<RunStatus, Set<RunStatus>> LEGAL = new EnumMap<>(Map.of(
            PENDING, EnumSet.of(RUNNING, CANCELLED),
            RUNNING, EnumSet.of(PAUSED, COMPLETED, FAILED, CANCELLED),
            PAUSED, EnumSet.of(RUNNING, CANCELLED),
            COMPLETED, EnumSet.noneOf(RunStatus.class),
            FAILED, EnumSet.noneOf(RunStatus.class),
            CANCELLED, EnumSet.noneOf(RunStatus.class)));

    @Test
    void everyPairOfStates_isLegalExactlyWhenTheDesignSaysSo() {
        int checked = 0;
        for (RunStatus from : RunStatus.values()) {
            for (RunStatus to : RunStatus.values()) {
                assertThat(from.canTransitionTo(to))
                        .as("%s -> %s", from, to)
                        .isEqualTo(LEGAL.get(from).contains(to));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(36);
    }

    @ParameterizedTest
    @EnumSource(RunStatus.class)
    void successors_matchTheTransitionTable(RunStatus status) {
        assertThat(status.successors()).isEqualTo(LEGAL.get(status));
    }

    @ParameterizedTest
    @EnumSource(RunStatus.class)
    void noStateTransitionsToItself(RunStatus status) {
        assertThat(status.canTransitionTo(status)).isFalse();
    }

    @Test
    void terminalStates_areExactlyThoseWithoutSuccessors() {
        for (RunStatus status : RunStatus.values()) {
            assertThat(status.isTerminal()).as(status.name()).isEqualTo(status.successors().isEmpty());
        }
    }

    @Test
    void onlyFailedAndCancelledRuns_canBeRetried() {
        assertThat(EnumSet.allOf(RunStatus.class).stream().filter(RunStatus::isRetryable))
                .containsExactlyInAnyOrder(FAILED, CANCELLED);
    }

    @Test
    void nothingLeavesPending_exceptToRunningOrCancelled() {
        assertThat(PENDING.canTransitionTo(COMPLETED)).isFalse();
        assertThat(PENDING.canTransitionTo(PAUSED)).isFalse();
        assertThat(PENDING.canTransitionTo(FAILED)).isFalse();
    }

    @Test
    void wireNames_areLowercase_andParseBack() {
        for (RunStatus status : RunStatus.values()) {
            assertThat(status.wireName()).isEqualTo(status.name().toLowerCase());
            assertThat(RunStatus.fromWire(status.wireName())).isEqualTo(status);
            assertThat(RunStatus.fromWire(" " + status.name() + " ")).isEqualTo(status);
        }
        assertThat(RunStatus.parse("success")).isEmpty();
        assertThat(RunStatus.parse(null)).isEmpty();
        assertThatThrownBy(() -> RunStatus.fromWire("done")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pending");
    }
}
