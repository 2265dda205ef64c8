package io.runstream.job.definition;

/** Job ids are {@code namespace/name}. */
public final class JobIds {

    static final String PATTERN = "^[a-z0-9][a-z0-9_.-]{0,63}/[a-z0-9][a-z0-9_.-]{0,127}$";
    private static final java.util.regex.Pattern COMPILED = java.util.regex.Pattern.compile(PATTERN);

    private JobIds() {
    }

    public static boolean isValid(String id) {
        return id != null && COMPILED.matcher(id).matches();
    }

    static String namespace(String id) {
        return id.substring(0, id.indexOf('/'));
    }

    static String name(String id) {
        return id.substring(id.indexOf('/') + 1);
    }
}
