-- Resource groups (RUP-6): a set of URI prefixes plus explicit member URIs, subscribed to as one.
CREATE TABLE resource_group (
    id         UUID          PRIMARY KEY,
    name       VARCHAR(200)  NOT NULL,
    prefixes   VARCHAR(1000000) NOT NULL,
    members    VARCHAR(1000000) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    version    BIGINT        NOT NULL
);

-- Subscriptions may expire (LST-5); an expired subscription matches nothing and is then removed.
ALTER TABLE subscription ADD COLUMN expires_at TIMESTAMP WITH TIME ZONE;
CREATE INDEX subscription_expiry ON subscription (expires_at);
