package io.runstream.platform.web;

/** Runstream's JSON is snake_case; Java names are camelCase. Errors name fields as clients see them. */
final class JsonNames {

    private JsonNames() {
    }

    static String snake(String javaName) {
        if (javaName == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(javaName.length() + 4);
        for (char c : javaName.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
