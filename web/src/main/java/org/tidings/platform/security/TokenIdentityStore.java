package org.tidings.platform.security;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.CallerPrincipal;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import org.tidings.trust.boundary.TokenDirectory;
import org.tidings.trust.control.Identity;

/**
 * The Jakarta Security identity store of bearer tokens: a valid token gives the caller principal named after its
 * principal (kind and id) and the principal's groups, which are its roles. Reads the in-memory token directory.
 */
@ApplicationScoped
public class TokenIdentityStore implements IdentityStore {

    @EJB
    TokenDirectory tokens;

    @Override
    public CredentialValidationResult validate(Credential credential) {
        if (!(credential instanceof BearerCredential bearer)) {
            return CredentialValidationResult.NOT_VALIDATED_RESULT;
        }
        Identity identity = tokens.verified(bearer.token());
        if (identity == null) {
            return CredentialValidationResult.INVALID_RESULT;
        }
        return new CredentialValidationResult(new IdentityPrincipal(identity), identity.groups());
    }

    /** The caller principal, which carries its identity so that the request's filters need not look it up again. */
    public static final class IdentityPrincipal extends CallerPrincipal {

        private final transient Identity identity;

        IdentityPrincipal(Identity identity) {
            super(identity.name());
            this.identity = identity;
        }

        public Identity identity() {
            return identity;
        }
    }
}
