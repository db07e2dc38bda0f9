package org.tidings.trust.boundary;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.tidings.provisioning.boundary.CommittedChanges;
import org.tidings.provisioning.entity.CatchUp;
import org.tidings.trust.control.TokenFile;
import org.tidings.trust.control.TokenText;

/**
 * A fresh install's one way in (docs/adr/0018). On the first start, when no administrator exists, creates the
 * administrator {@value FirstAdministratorCreation#NAME} with the admin role and one token: the text of
 * {@code tidings.admin.token} (environment TIDINGS_ADMIN_TOKEN, at least 32 characters) if it is set, else a new
 * random one written to {@code tidings.admin.token-file} with mode 0600. The token's text is never logged; the log
 * says where the file is. Later starts do nothing: the setting is not a second way in.
 */
@Startup
@Singleton
@DependsOn({"SchemaMigration", "TokenDirectory"})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class FirstAdministrator {

    private static final Logger LOG = Logger.getLogger(FirstAdministrator.class.getName());

    @EJB
    FirstAdministratorCreation creation;

    @EJB
    TokenDirectory tokens;

    @Inject
    CommittedChanges changes;

    @Inject
    @ConfigProperty(name = "tidings.admin.token")
    Optional<String> configured;

    @Inject
    @ConfigProperty(name = "tidings.admin.token-file", defaultValue = "tidings-admin-token")
    String tokenFile;

    @PostConstruct
    void ensure() {
        if (creation.anyAdministrator()) {
            return;
        }
        String text = configured.map(String::strip).filter(t -> !t.isEmpty()).orElse(null);
        if (text != null) {
            if (text.length() < TokenText.MIN_CONFIGURED_LENGTH || !TokenText.plausible(text)) {
                throw new IllegalStateException("tidings.admin.token (TIDINGS_ADMIN_TOKEN) must be at least "
                        + TokenText.MIN_CONFIGURED_LENGTH + " printable characters without spaces; nothing was created");
            }
            if (createdNow(text)) {
                LOG.info("first administrator created with the token from tidings.admin.token (TIDINGS_ADMIN_TOKEN)");
            }
            return;
        }
        Path file = Path.of(tokenFile).toAbsolutePath();
        String generated = TokenText.generate();
        Path prepared;
        try {
            prepared = TokenFile.prepared(file, generated);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the first administrator's token beside " + file, e);
        }
        // Only the instance whose administrator was created puts its token in place: another instance starting at
        // once with the same data directory prepares its own, loses, and leaves the file alone.
        try {
            if (createdNow(generated)) {
                TokenFile.placed(prepared, file);
                LOG.info(() -> "first administrator created; its token is in " + file
                        + " (mode 0600), and nowhere else: use it as Authorization: Bearer <token>");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the first administrator was created, but its token could not be moved "
                    + "to " + file + "; delete the administrator rows in the database and start again", e);
        } finally {
            TokenFile.discarded(prepared);
        }
    }

    /**
     * Whether this call created the first administrator; either way this instance's token directory (loaded before,
     * as this bean depends on it) knows the administrator's token when this returns, before the first request.
     */
    private boolean createdNow(String text) {
        boolean created = changes.atStartup(() -> creation.created(text));
        tokens.catchUp(new CatchUp());
        return created;
    }
}
