package io.runstream.training.engine;

import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParallelTest {

    @Test
    void forEach_runsEveryIndexOnce_onTheCallerAndHelpers() {
        try (Parallel parallel = new Parallel(3)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(50);
            var threads = ConcurrentHashMap.<String>newKeySet();
            parallel.forEach(50, i -> {
                threads.add(Thread.currentThread().getName());
                busy();
                runs.incrementAndGet(i);  // last: forEach returns only once every index has finished
            });
            for (int i = 0; i < 50; i++) {
                assertThat(runs.get(i)).as("index %d", i).isEqualTo(1);
            }
            assertThat(threads).contains(Thread.currentThread().getName()).hasSizeBetween(1, 3);
        }
    }

    @Test
    void aFailingIndex_isThrownToTheCaller_andLaterIndexesAreSkipped() {
        try (Parallel parallel = new Parallel(2)) {
            AtomicIntegerArray runs = new AtomicIntegerArray(1000);
            assertThatThrownBy(() -> parallel.forEach(1000, i -> {
                runs.incrementAndGet(i);
                if (i == 7) {
                    throw new IllegalArgumentException("index 7");
                }
                busy();
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("index 7");
            int ran = 0;
            for (int i = 0; i < 1000; i++) {
                assertThat(runs.get(i)).isLessThanOrEqualTo(1);
                ran += runs.get(i);
            }
            assertThat(runs.get(7)).isEqualTo(1);
            assertThat(ran).isLessThan(20);
        }
    }

    @Test
    void oneThread_runsEverythingOnTheCaller() {
        String caller = Thread.currentThread().getName();
        var threads = ConcurrentHashMap.<String>newKeySet();
        Parallel.NONE.forEach(5, i -> threads.add(Thread.currentThread().getName()));
        assertThat(threads).containsExactly(caller);
    }

    private static void busy() {
        long until = System.nanoTime() + 1_000_000;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}
