-- A SENDING row taken by the retry worker (docs/adr/0012), told apart from one whose first sender may have died: a
-- redelivered message takes over only the latter (docs/adr/0015).
ALTER TABLE delivery ADD COLUMN retrying BOOLEAN DEFAULT FALSE NOT NULL;
