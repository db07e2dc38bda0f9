-- Provisioning: sources that may send, sinks that receive, subscriptions of sinks.
-- Portable SQL for H2 (default) and PostgreSQL (production).
CREATE TABLE source (
    id          UUID          PRIMARY KEY,
    name        VARCHAR(200)  NOT NULL,
    uri         VARCHAR(2000) NOT NULL,
    description VARCHAR(2000),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT source_uri_unique UNIQUE (uri)
);

CREATE TABLE sink (
    id         UUID          PRIMARY KEY,
    name       VARCHAR(200)  NOT NULL,
    channel    VARCHAR(20)   NOT NULL,
    endpoint   VARCHAR(2000),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE subscription (
    id         UUID          PRIMARY KEY,
    sink_id    UUID          NOT NULL REFERENCES sink (id),
    filter     VARCHAR(65535) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    version    BIGINT        NOT NULL
);

CREATE INDEX subscription_sink ON subscription (sink_id);
