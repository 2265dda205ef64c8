package io.runstream.dataset.storage;

import java.util.regex.Pattern;

/** Object keys are relative paths of safe segments; anything else is refused before it reaches a store. */
public final class ObjectKeys {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9._-]");
    private static final int MAX_NAME = 150;

    private ObjectKeys() {
    }

    /** Whether {@code key} is a relative path of safe segments (no {@code ..}, no leading slash, no backslash). */
    public static boolean isSafe(String key) {
        if (key == null || key.isEmpty() || key.length() > 1000) {
            return false;
        }
        for (String segment : key.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches() || segment.equals("..") || segment.contains("..")) {
                return false;
            }
        }
        return true;
    }

    public static String require(String key) {
        if (!isSafe(key)) {
            throw new IllegalArgumentException("unsafe object key: " + key);
        }
        return key;
    }

    /**
     * A file name a client sent, reduced to one safe segment: directories dropped (both separators),
     * unsafe characters replaced, leading dots removed, length capped. Never empty.
     */
    public static String sanitizeFileName(String original) {
        String name = original == null ? "" : original;
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1);
        name = UNSAFE.matcher(name).replaceAll("_");
        name = name.replaceAll("\\.{2,}", ".");
        name = name.replaceAll("^[._-]+", "");
        if (name.length() > MAX_NAME) {
            name = name.substring(name.length() - MAX_NAME).replaceAll("^[._-]+", "");
        }
        return name.isEmpty() ? "file.csv" : name;
    }

    /** The tenant as one safe segment (tenant ids are UUIDs or slugs; anything else is encoded). */
    public static String tenantSegment(String tenant) {
        if (tenant != null && SEGMENT.matcher(tenant).matches() && !tenant.contains("..")) {
            return tenant;
        }
        StringBuilder hex = new StringBuilder("t-");
        for (byte b : String.valueOf(tenant).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }
}
