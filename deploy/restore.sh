#!/usr/bin/env bash
# Restore a dump made by deploy/backup.sh into $DATABASE_URL (or the database in
# /etc/askexperts.env).
#
#   deploy/restore.sh --yes /var/backups/askexperts/askexperts-20250101T030000Z.dump
#
# The database is created when it does not exist (after a lost server, or a
# drop). When it exists, every object the dump holds is dropped and restored
# (pg_restore --clean --if-exists), in one transaction: if anything fails,
# nothing has changed. --yes is required, because it replaces the data.
#
# Stop the site first (systemctl stop askexperts-web askexperts-worker, and the
# timers) so nothing writes meanwhile, and start it again afterwards; then flush
# Redis (the page cache may hold pages of the data that was replaced):
#   redis-cli -n 0 FLUSHDB
set -euo pipefail

yes=no
if [ "${1:-}" = "--yes" ]; then yes=yes; shift; fi
dump="${1:-}"
if [ -z "$dump" ] || [ ! -r "$dump" ]; then
    echo "usage: deploy/restore.sh --yes FILE.dump   (into \$DATABASE_URL)" >&2
    exit 2
fi

ENV_FILE="${ENV_FILE:-/etc/askexperts.env}"
if [ -z "${DATABASE_URL:-}" ] && [ -r "$ENV_FILE" ]; then
    DATABASE_URL="$(sed -n 's/^DATABASE_URL=//p' "$ENV_FILE" | tail -n1)"
fi
: "${DATABASE_URL:?set DATABASE_URL (postgres://user:pass@host:5432/name) or write it in $ENV_FILE}"

# postgres://user:pass@host:port/NAME?options -> NAME, and the same server's
# "postgres" database to create it from.
rest="${DATABASE_URL#*://}"
path="${rest#*/}"
name="${path%%\?*}"
query=""
[[ "$path" == *\?* ]] && query="?${path#*\?}"
server="${DATABASE_URL%"/$path"}"
maintenance="$server/postgres$query"
if [ -z "$name" ] || [[ "$name" == */* ]]; then
    echo "restore.sh: cannot read the database name from DATABASE_URL" >&2
    exit 2
fi

pg_restore --list "$dump" >/dev/null  # a readable, complete archive, before touching anything

if [ "$yes" != yes ]; then
    echo "restore.sh: this replaces the data of database '$name'; run again with --yes" >&2
    exit 2
fi

exists="$(psql "$maintenance" -tAc "SELECT 1 FROM pg_database WHERE datname = '${name//\'/\'\'}'")"
if [ "$exists" != 1 ]; then
    echo "Creating database $name"
    psql "$maintenance" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"${name//\"/\"\"}\""
fi

# --no-owner: objects belong to the user restoring (the site's user), whoever
# owned them on the server the dump came from.
pg_restore --clean --if-exists --no-owner --exit-on-error --single-transaction \
    --dbname="$DATABASE_URL" "$dump"
psql "$DATABASE_URL" -q -c "ANALYZE"
echo "Restored $dump into $name"
