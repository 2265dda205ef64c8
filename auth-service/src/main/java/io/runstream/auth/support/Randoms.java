package io.runstream.auth.support;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Secrets and ids from one DRBG instance seeded once at class load: drawing from it is pure CPU,
 * so it is safe on event-loop threads (the platform default reads /dev/urandom, which BlockHound
 * rightly flags).
 */
public final class Randoms {

    private static final SecureRandom RANDOM = drbg();
    private static final char[] ALPHANUMERIC = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

    private Randoms() {
    }

    public static byte[] bytes(int count) {
        byte[] buffer = new byte[count];
        RANDOM.nextBytes(buffer);
        return buffer;
    }

    /** URL-safe base64 of {@code bytes} random bytes. */
    public static String urlSafe(int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
    }

    /** {@code length} random characters from [0-9a-zA-Z]. */
    public static String alphanumeric(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHANUMERIC[RANDOM.nextInt(ALPHANUMERIC.length)]);
        }
        return out.toString();
    }

    /** {@code length} random lowercase hex characters. */
    public static String hex(int length) {
        byte[] buffer = new byte[(length + 1) / 2];
        RANDOM.nextBytes(buffer);
        return HexFormat.of().formatHex(buffer).substring(0, length);
    }

    /** A random (version 4) UUID. */
    public static UUID uuid() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (b[i] & 0xff);
            lsb = (lsb << 8) | (b[i + 8] & 0xff);
        }
        return new UUID(msb, lsb);
    }

    private static SecureRandom drbg() {
        try {
            SecureRandom random = SecureRandom.getInstance("DRBG");
            random.nextBytes(new byte[16]);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no DRBG SecureRandom", e);
        }
    }
}
