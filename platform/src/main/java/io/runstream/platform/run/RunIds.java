package io.runstream.platform.run;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Run ids: {@code run_} followed by a ULID (Crockford base32 of a 48-bit millisecond time and 80 random
 * bits), so ids sort by creation time. Within one millisecond in one process the random part is
 * incremented, keeping ids strictly increasing. Ids are identifiers, not secrets: the random part
 * comes from {@link ThreadLocalRandom}, which never touches the entropy pool (so generating an id on
 * an event-loop thread cannot block).
 */
public final class RunIds {

    public static final String PREFIX = "run_";
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private static long lastMillis = -1;
    private static long randomHigh; // 16 bits
    private static long randomLow;  // 64 bits

    private RunIds() {
    }

    public static String newRunId() {
        return PREFIX + newUlid();
    }

    /** A run id has the prefix and a 26-character ULID. */
    public static boolean isValid(String id) {
        if (id == null || !id.startsWith(PREFIX) || id.length() != PREFIX.length() + 26) {
            return false;
        }
        for (int i = PREFIX.length(); i < id.length(); i++) {
            if (indexOf(id.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    static synchronized String newUlid() {
        long now = System.currentTimeMillis();
        if (now == lastMillis) {
            randomLow++;
            if (randomLow == 0) {
                randomHigh = (randomHigh + 1) & 0xFFFF;
            }
        } else {
            lastMillis = now;
            randomHigh = ThreadLocalRandom.current().nextInt(1 << 16);
            randomLow = ThreadLocalRandom.current().nextLong();
        }
        char[] out = new char[26];
        long time = now;
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        // 80 random bits = 16 chars of 5 bits: 16 high bits then 64 low bits
        long low = randomLow;
        long high = randomHigh;
        for (int i = 25; i >= 10; i--) {
            out[i] = ALPHABET[(int) (low & 31)];
            low = (low >>> 5) | ((high & 31) << 59);
            high >>>= 5;
        }
        return new String(out);
    }

    private static int indexOf(char c) {
        for (int i = 0; i < ALPHABET.length; i++) {
            if (ALPHABET[i] == c) {
                return i;
            }
        }
        return -1;
    }
}
