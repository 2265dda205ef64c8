package io.runstream.dataset.csv;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class CsvChunksTest {

    @Test
    void skipOrdinary_stopsAtTheFirstByteBelow0x23_eightBytesAtATime_asAByteLoopWould() {
        Random random = new Random(7);
        byte[] alphabet = {'a', '9', ',', '.', '-', ':', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, 0x23, 0x7F,
                '"', '\r', '\n', ' ', '!', 0, 0x22};
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int i = 0; i < bytes.length; i++) {
                // mostly ordinary bytes, so that long runs occur
                bytes[i] = alphabet[random.nextInt(random.nextInt(4) == 0 ? alphabet.length : 11)];
            }
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            int expected = from;
            while (expected < bytes.length && (bytes[expected] & 0xff) >= 0x23) {
                expected++;
            }
            assertThat(CsvChunks.skipOrdinary(bytes, from, bytes.length)).isEqualTo(expected);
        }
    }
}
