package org.tidings.trust.boundary;

import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.util.logging.Logger;
import org.tidings.trust.entity.AdminRole;
import org.tidings.trust.entity.PrincipalKind;

/**
 * Creates the first administrator and its token in one transaction of their own. Two instances starting at once on
 * an empty database both try; the administrator's unique name lets one win, and the other reports that it lost.
 */
@Stateless
public class FirstAdministratorCreation {

    static final String NAME = "admin";
    private static final Logger LOG = Logger.getLogger(FirstAdministratorCreation.class.getName());

    @EJB
    Administrators administrators;

    @EJB
    Tokens tokens;

    @EJB
    FirstAdministratorCreation self;

    public boolean anyAdministrator() {
        return administrators.anyExists();
    }

    /** Whether this call created the first administrator with a token of this text (false: another did first). */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public boolean created(String text) {
        try {
            self.create(text);
            return true;
        } catch (RuntimeException e) {
            if (!administrators.anyExists()) {
                throw e;
            }
            LOG.info("another instance created the first administrator at the same time");
            return false;
        }
    }

    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void create(String text) {
        var administrator = administrators.create(NAME, AdminRole.ADMIN);
        tokens.issueWithText(PrincipalKind.ADMINISTRATOR, administrator.id(), "first administrator token", null, text);
    }

}
