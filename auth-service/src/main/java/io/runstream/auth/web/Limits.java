package io.runstream.auth.web;

/** Input limits and patterns shared by request records. */
public final class Limits {

    public static final String USERNAME = "^[A-Za-z0-9][A-Za-z0-9._@-]{2,63}$";
    public static final String PERSON_NAME = "^[\\p{L}\\p{M} .'-]{0,100}$";
    public static final String TENANT_ID = "^[a-z0-9][a-z0-9-]{1,62}$";
    public static final String DISPLAY_NAME = "^[\\p{L}\\p{M}\\p{N} ._'&()-]{1,100}$";
    public static final String ROLE_NAME = "^[a-z][a-z0-9_-]{1,63}$";
    public static final String PERMISSION_NAME = "^[a-z][a-z0-9_:.-]{1,63}$";
    public static final int MAX_PAGE = 500;

    private Limits() {
    }
}
