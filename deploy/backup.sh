#!/usr/bin/env bash
# Back up the site's PostgreSQL database with pg_dump's custom format (-Fc):
# compressed, and restorable table by table with deploy/restore.sh.
#
#   deploy/backup.sh                      # into $BACKUP_DIR (default /var/backups/askexperts)
#   deploy/backup.sh /path/to/dir         # into that folder, named askexperts-<UTC time>.dump
#   deploy/backup.sh /path/to/file.dump   # exactly that file
#
# The database is $DATABASE_URL, or the one in /etc/askexperts.env. The dump is
# written to a temporary name, read back with `pg_restore --list`, and only then
# given its final name, so a file named *.dump is always a complete archive.
# Dumps older than KEEP_DAYS (default 14) in the folder are deleted.
# pg_dump takes a consistent snapshot: the site can keep running.
# Prints the path of the new dump. Cron example (daily at 03:00, as postgres or
# the site's user):
#   0 3 * * *  /srv/askexperts/deploy/backup.sh >/dev/null
set -euo pipefail

ENV_FILE="${ENV_FILE:-/etc/askexperts.env}"
if [ -z "${DATABASE_URL:-}" ] && [ -r "$ENV_FILE" ]; then
    DATABASE_URL="$(sed -n 's/^DATABASE_URL=//p' "$ENV_FILE" | tail -n1)"
fi
: "${DATABASE_URL:?set DATABASE_URL (postgres://user:pass@host:5432/name) or write it in $ENV_FILE}"
case "$DATABASE_URL" in
    postgres://* | postgresql://*) ;;
    *) echo "backup.sh: DATABASE_URL is not a PostgreSQL URL" >&2; exit 2 ;;
esac

target="${1:-${BACKUP_DIR:-/var/backups/askexperts}}"
if [[ "$target" == *.dump ]]; then
    out="$target"
    mkdir -p "$(dirname "$out")"
else
    mkdir -p "$target"
    out="$target/askexperts-$(date -u +%Y%m%dT%H%M%SZ).dump"
fi
partial="$(dirname "$out")/.$(basename "$out").partial"
trap 'rm -f "$partial"' EXIT
umask 077  # a dump holds every member's e-mail address and password hash

pg_dump --format=custom --compress=6 --dbname="$DATABASE_URL" --file="$partial"
pg_restore --list "$partial" >/dev/null  # the archive reads back whole
mv "$partial" "$out"

if [[ "$target" != *.dump ]]; then
    find "$target" -maxdepth 1 -name 'askexperts-*.dump' -mtime "+${KEEP_DAYS:-14}" -delete
fi
echo "$out"
