#!/usr/bin/env bash
# Makes a PostgreSQL server available on 127.0.0.1:5432 for the integration tests, with a role "tidings"
# and a fresh database "tidings_it". Installs Debian's server package if no server is running.
set -euo pipefail

listening() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }

as_postgres() { runuser -u postgres -- "$@"; }

if ! listening; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    echo "[ci] installing PostgreSQL from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q postgresql >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  # Debian's default listen_addresses is 'localhost': loopback only.
  pg_ctlcluster "$version" main start || true
  for _ in $(seq 1 30); do listening && break; sleep 1; done
  listening || { echo "[ci] PostgreSQL did not start"; exit 1; }
fi

as_postgres psql -q -v ON_ERROR_STOP=1 <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tidings') THEN
    CREATE ROLE tidings LOGIN PASSWORD 'tidings';
  END IF;
END $$;
DROP DATABASE IF EXISTS tidings_it;
CREATE DATABASE tidings_it OWNER tidings ENCODING 'UTF8' TEMPLATE template0;
SQL
echo "[ci] PostgreSQL ready: database tidings_it on 127.0.0.1:5432"
