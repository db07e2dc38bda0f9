-- Principals and their bearer tokens (docs/adr/0018): administrators (with a role), subscribers, and the sources
-- that already exist. A token is stored only as the SHA-256 of its text, with a short non-secret prefix to tell it
-- apart in lists. Portable SQL for H2 and PostgreSQL.
CREATE TABLE administrator (
    id         UUID         PRIMARY KEY,
    name       VARCHAR(200) NOT NULL UNIQUE,
    role       VARCHAR(10)  NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE subscriber (
    id          UUID          PRIMARY KEY,
    name        VARCHAR(200)  NOT NULL UNIQUE,
    description VARCHAR(2000),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE access_token (
    id             UUID         PRIMARY KEY,
    prefix         VARCHAR(20)  NOT NULL,
    hash           VARCHAR(64)  NOT NULL UNIQUE,
    principal_kind VARCHAR(20)  NOT NULL,
    principal_id   UUID         NOT NULL,
    label          VARCHAR(200),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE,
    revoked_at     TIMESTAMP WITH TIME ZONE,
    last_used_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX access_token_principal ON access_token (principal_kind, principal_id);
