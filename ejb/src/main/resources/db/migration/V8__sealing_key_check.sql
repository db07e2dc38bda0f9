-- A value sealed with the sealing key of the first instance that started on this database (docs/adr/0012): an
-- instance whose key cannot open it refuses to start, instead of failing every webhook attempt it makes.
CREATE TABLE sealing_key_check (
    id         INTEGER      PRIMARY KEY,
    sealed     VARCHAR(500) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
