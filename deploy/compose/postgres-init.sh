#!/usr/bin/env bash
# PostgreSQL's first start in the compose stack (/docker-entrypoint-initdb.d): one database per
# service, each owned by its own role, whose password comes from the environment (deploy/.env,
# never committed). Runs once, on an empty data volume.
set -euo pipefail
for service in security rehabilitation remission food_audit gateway; do
  var="DB_PASSWORD_${service^^}"
  password="${!var:?$var is not set (deploy/.env)}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="$service" -v password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"role" OWNER :"role";
REVOKE ALL ON DATABASE :"role" FROM PUBLIC;
SQL
done
