-- Grants, the trust relationships of S2S-11 (docs/adr/0022): what a source may send (SEND: types, type namespaces),
-- about what it may route events (ROUTE: subjects, domains, URI prefixes) and what a subscriber may see (SEE: the
-- same). ALL_ allows everything of its kind. No grant, no permission. A subscription keeps its owner (its sink's)
-- so that matching checks SEE grants with no lookup. Portable SQL for H2 and PostgreSQL.
CREATE TABLE trust_grant (
    id               UUID         PRIMARY KEY,
    principal_kind   VARCHAR(20)  NOT NULL,
    principal_id     UUID         NOT NULL,
    kind             VARCHAR(10)  NOT NULL,
    all_allowed      BOOLEAN      NOT NULL,
    types            VARCHAR(1000000) NOT NULL,
    type_prefixes    VARCHAR(1000000) NOT NULL,
    subjects         VARCHAR(1000000) NOT NULL,
    subject_domains  VARCHAR(1000000) NOT NULL,
    subject_prefixes VARCHAR(1000000) NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX trust_grant_principal ON trust_grant (principal_kind, principal_id);

ALTER TABLE subscription ADD COLUMN owner_id UUID;
UPDATE subscription SET owner_id = (SELECT s.owner_id FROM sink s WHERE s.id = subscription.sink_id);
