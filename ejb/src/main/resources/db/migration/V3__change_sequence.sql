-- Every provisioning change gets a generation, in commit order, recorded in the changing transaction
-- (docs/adr/0010). Portable SQL for H2 and PostgreSQL.

-- The latest generation: one row. A change increments it, which holds the row's lock until the change commits, so
-- generations are handed out in commit order and "generation n is committed" means "all up to n are".
CREATE TABLE change_generation (
    id         SMALLINT PRIMARY KEY,
    generation BIGINT   NOT NULL
);
INSERT INTO change_generation (id, generation) VALUES (1, 0);

-- What changed at each generation: an instance that is behind re-reads these rows. Pruned after a retention
-- period; an instance further behind than that reloads everything.
CREATE TABLE change_log (
    generation BIGINT       PRIMARY KEY,
    kind       VARCHAR(20)  NOT NULL,
    entity_id  UUID         NOT NULL,
    changed_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX change_log_age ON change_log (changed_at);

-- Tasks that one instance at a time runs: it locks the task's row (SELECT ... FOR UPDATE SKIP LOCKED).
CREATE TABLE task_lock (
    name VARCHAR(50) PRIMARY KEY
);
INSERT INTO task_lock (name) VALUES ('subscription-expiry');
INSERT INTO task_lock (name) VALUES ('change-log-pruning');
