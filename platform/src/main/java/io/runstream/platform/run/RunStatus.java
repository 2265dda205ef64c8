package io.runstream.platform.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The states of a run and the only legal transitions between them (DESIGN.md, "Runs").
 * This enum is the single source of truth: job-service enforces it, executors consult it.
 *
 * <pre>
 * pending ──▶ running ──▶ completed | failed | cancelled
 *    │          │  ▲
 *    │          ▼  │
 *    │        paused ──▶ cancelled
 *    └──▶ cancelled
 * failed | cancelled ──retry──▶ a new attempt (back to pending)
 * </pre>
 */
public enum RunStatus {
    PENDING, RUNNING, PAUSED, COMPLETED, FAILED, CANCELLED;

    private static final Set<RunStatus> TERMINAL = EnumSet.of(COMPLETED, FAILED, CANCELLED);
    private static final Set<RunStatus> RETRYABLE = EnumSet.of(FAILED, CANCELLED);

    /** Whether a run in this state may move to {@code next} within the same attempt. */
    public boolean canTransitionTo(RunStatus next) {
        return switch (this) {
            case PENDING -> next == RUNNING || next == CANCELLED;
            case RUNNING -> next == PAUSED || next == COMPLETED || next == FAILED || next == CANCELLED;
            case PAUSED -> next == RUNNING || next == CANCELLED;
            case COMPLETED, FAILED, CANCELLED -> false;
        };
    }

    /** Every state reachable from this one in a single legal step (retry excluded). */
    public Set<RunStatus> successors() {
        Set<RunStatus> next = EnumSet.noneOf(RunStatus.class);
        for (RunStatus candidate : values()) {
            if (canTransitionTo(candidate)) {
                next.add(candidate);
            }
        }
        return next;
    }

    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    /** A new attempt of the run may start from this state (and only from these). */
    public boolean isRetryable() {
        return RETRYABLE.contains(this);
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static RunStatus fromWire(String value) {
        return parse(value).orElseThrow(() -> new IllegalArgumentException(
                "unknown run status '" + value + "', expected one of " + Arrays.toString(wireNames())));
    }

    public static Optional<RunStatus> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String normalised = value.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.name().equals(normalised)).findFirst();
    }

    public static String[] wireNames() {
        return Arrays.stream(values()).map(RunStatus::wireName).toArray(String[]::new);
    }
}
