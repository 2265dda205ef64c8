package io.runstream.dataset.validation;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ColumnTypeTest {

    @Test
    void fastDateAndTimestampPaths_agreeWithJavaTime() {
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            String date = String.format("%04d-%02d-%02d", 1900 + random.nextInt(300), random.nextInt(14), random.nextInt(33));
            String time = String.format("%02d:%02d:%02d", random.nextInt(26), random.nextInt(62), random.nextInt(2) * random.nextInt(61));
            assertThat(ColumnType.DATE.canonical(date)).as(date).isEqualTo(javaDate(date));
            for (String ts : List.of(date + "T" + time, date + " " + time, date + "T" + time + "Z")) {
                assertThat(ColumnType.TIMESTAMP.canonical(ts)).as(ts).isEqualTo(javaTimestamp(ts));
            }
        }
        assertThat(ColumnType.TIMESTAMP.canonical("2025-01-02T10:00:00+02:00")).isEqualTo("2025-01-02T08:00:00Z");
        assertThat(ColumnType.TIMESTAMP.canonical("2025-01-02T10:00:00.5")).isEqualTo("2025-01-02T10:00:00.500");
        assertThat(ColumnType.TIMESTAMP.canonical("2025-01-02 10:00:00.250")).isEqualTo("2025-01-02T10:00:00.250");
        assertThat(ColumnType.TIMESTAMP.canonical("2025-02-30 10:00:00.250")).isNull();
    }

    @Test
    void numbersAndBooleans_acceptOnlyTheirForms() {
        assertThat(ColumnType.INTEGER.canonical("+42")).isEqualTo("42");
        assertThat(ColumnType.INTEGER.canonical("9223372036854775807")).isEqualTo("9223372036854775807");
        assertThat(ColumnType.INTEGER.canonical("9223372036854775808")).isNull();
        assertThat(ColumnType.INTEGER.canonical("1.0")).isNull();
        assertThat(ColumnType.FLOAT.canonical("-1.5e3")).isEqualTo("-1.5e3");
        assertThat(ColumnType.FLOAT.canonical(".5")).isEqualTo(".5");
        for (String bad : List.of("NaN", "Infinity", "0x1p3", "1e999", "1.2.3", "1e", "-", "1f")) {
            assertThat(ColumnType.FLOAT.canonical(bad)).as(bad).isNull();
        }
        assertThat(ColumnType.BOOLEAN.canonical("False")).isEqualTo("false");
        assertThat(ColumnType.BOOLEAN.canonical("YES")).isEqualTo("true");
        assertThat(ColumnType.BOOLEAN.canonical("maybe")).isNull();
    }

    private static String javaDate(String s) {
        try {
            return LocalDate.parse(s).toString();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String javaTimestamp(String s) {
        try {
            Instant instant = OffsetDateTime.parse(s).toInstant();
            return instant.toString();
        } catch (RuntimeException ignored) {
            // local forms below
        }
        try {
            return LocalDateTime.parse(s.replace(' ', 'T')).toString();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
