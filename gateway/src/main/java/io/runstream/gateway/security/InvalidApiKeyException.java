package io.runstream.gateway.security;

import org.springframework.security.authentication.BadCredentialsException;

/** auth-service does not know the key, or it was revoked. */
class InvalidApiKeyException extends BadCredentialsException {

    InvalidApiKeyException() {
        super("The API key is not valid or has been revoked");
    }
}
