package org.tidings.audit.boundary;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.List;
import org.tidings.audit.control.AuditStore;
import org.tidings.audit.entity.AuditQuery;
import org.tidings.audit.entity.AuditRecord;

/** The audit log as administrators read it (docs/adr/0020); its records are written by {@link AuditInterceptor}. */
@Stateless
public class AuditLog {

    @Inject
    AuditStore store;

    /** A page of records, newest first. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<AuditRecord> page(AuditQuery query) {
        return store.page(query);
    }
}
