package org.tidings.platform.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.tidings.platform.PlainHttp;

/**
 * Authenticates every request that carries {@code Authorization: Bearer <token>} through Jakarta Security: the
 * identity store handler checks the token, and a valid one logs the caller in for this request only (no session).
 * A request without the header goes on anonymous, and one with a bad header goes on anonymous marked as such: the
 * JAX-RS access rules ({@link AccessRules}) answer both with a coded 401, which a mechanism could only answer bare.
 * A request below the HTTP security profile ({@link PlainHttp}) goes on with its token unread, to be refused.
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {

    /** The request attribute that says the request presented a token that is not valid. */
    public static final String INVALID_TOKEN = "org.tidings.security.invalid-token";
    /** The request attribute that holds the {@link org.tidings.trust.control.Identity} of a valid token. */
    public static final String IDENTITY = "org.tidings.security.identity";

    private static final String SCHEME = "Bearer ";

    @Inject
    IdentityStoreHandler identityStores;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
            HttpMessageContext context) {
        if (!PlainHttp.configured().serves(request)) {
            // below the HTTP security profile: PlainHttpGate refuses it, and its token is not even looked at
            return context.doNothing();
        }
        String header = request.getHeader("Authorization");
        if (header == null) {
            return context.doNothing();
        }
        if (header.length() <= SCHEME.length() || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            request.setAttribute(INVALID_TOKEN, Boolean.TRUE);
            return context.doNothing();
        }
        CredentialValidationResult result =
                identityStores.validate(new BearerCredential(header.substring(SCHEME.length()).strip()));
        if (result.getStatus() != CredentialValidationResult.Status.VALID) {
            request.setAttribute(INVALID_TOKEN, Boolean.TRUE);
            return context.doNothing();
        }
        if (result.getCallerPrincipal() instanceof TokenIdentityStore.IdentityPrincipal principal) {
            request.setAttribute(IDENTITY, principal.identity());
        }
        return context.notifyContainerAboutLogin(result);
    }
}
