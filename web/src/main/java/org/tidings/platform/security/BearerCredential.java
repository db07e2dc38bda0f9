package org.tidings.platform.security;

import jakarta.security.enterprise.credential.Credential;

/** The text of a bearer token a request presented (RFC 6750), for the token identity store to check. */
public final class BearerCredential implements Credential {

    private final String token;

    public BearerCredential(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    /** Never the token: credentials end up in logs and debuggers. */
    @Override
    public String toString() {
        return "BearerCredential[redacted]";
    }
}
