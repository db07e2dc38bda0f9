-- The mark of a clean stop, for the embedded H2 database (docs/adr/0013): a row is written as the application stops
-- and taken away as it starts. A start that finds none builds the indexes no constraint uses again from the tables'
-- rows (org.tidings.platform.UncleanStop), against an index that a commit cut by a kill -9 left out of step with them.
-- Unused on PostgreSQL.
CREATE TABLE clean_stop (
    stopped_at TIMESTAMP WITH TIME ZONE NOT NULL
);
