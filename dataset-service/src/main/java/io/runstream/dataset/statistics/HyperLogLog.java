package io.runstream.dataset.statistics;

import java.nio.charset.StandardCharsets;

/**
 * HyperLogLog distinct-count estimate (Flajolet et al. 2007) with 2^14 registers: about 0.8 %
 * standard error in 16 KiB, with linear counting for small cardinalities.
 */
final class HyperLogLog {

    private static final int P = 14;
    private static final int M = 1 << P;
    private static final double ALPHA = 0.7213 / (1 + 1.079 / M);

    private final byte[] registers = new byte[M];

    void add(String value) {
        long hash = hash(value);
        int index = (int) (hash >>> (64 - P));
        long rest = hash << P | (1L << (P - 1));
        int rank = Long.numberOfLeadingZeros(rest) + 1;
        if (rank > registers[index]) {
            registers[index] = (byte) rank;
        }
    }

    long estimate() {
        double sum = 0;
        int zeros = 0;
        for (byte register : registers) {
            sum += 1.0 / (1L << register);
            if (register == 0) {
                zeros++;
            }
        }
        double estimate = ALPHA * M * M / sum;
        if (estimate <= 2.5 * M && zeros > 0) {
            estimate = M * Math.log((double) M / zeros);
        }
        return Math.round(estimate);
    }

    /** 64-bit FNV-1a over the UTF-8 bytes, finished with MurmurHash3's fmix64 for good high bits. */
    static long hash(String value) {
        long h = 0xcbf29ce484222325L;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
