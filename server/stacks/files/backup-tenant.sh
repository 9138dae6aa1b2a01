#!/bin/bash
# Backup of one Mautic tenant, run by the Mautic tenant panel as a one-shot Swarm job.
#
# Runs as the entrypoint of the `job` service of the tenant's companion stack (`mautic-<slug>-ops`),
# in the tenant's own Mautic image (it ships MariaDB's client tools, tar, gzip, sha256sum and curl),
# as root, with the tenant's volumes mounted where the Mautic services mount them and the tenant's
# backup volume at PANEL_BACKUP_DIR.
#
# Steps (any failure stops the script with a non-zero exit and an "ERROR:" line; nothing partial is
# left under the final name):
#   1. dump the tenant database with `mysqldump --single-transaction` (a consistent snapshot of InnoDB
#      tables without locking Mautic out), compressed;
#   2. archive the config volume (local.php holds Mautic's secret_key), media/files and media/images;
#   3. write manifest.json (what, when, which image, each part's size and SHA-256);
#   4. pack the three into `<PANEL_BACKUP_NAME>.tar`, compute its SHA-256, move it into place;
#   5. when PANEL_S3_BUCKET is set, upload it to S3-compatible storage (signed with AWS SigV4 by curl);
#   6. delete the older backups the panel lists in PANEL_BACKUP_DELETE (retention), locally and in S3;
#   7. print one line `PANEL_BACKUP_RESULT {"name":…,"size":…,"sha256":…,"location":…}` that the panel
#      reads from the job's log.
#
# With PANEL_BACKUP_MODE=purge (a deleted tenant whose last backups' keep time is over) it only does
# step 6 and prints `PANEL_PURGE_RESULT {"deleted":N}`: no database, no data volumes are needed.
#
# Environment (set by the panel): MAUTIC_DB_HOST, MAUTIC_DB_PORT, MAUTIC_DB_DATABASE, MAUTIC_DB_USER,
# PANEL_DB_PASSWORD_FILE, PANEL_BACKUP_NAME ([a-z0-9-]+), PANEL_BACKUP_DIR, PANEL_TENANT_ID,
# PANEL_MAUTIC_IMAGE.
# Optional: PANEL_BACKUP_DELETE (space-separated backup names), PANEL_S3_ENDPOINT (https://host[:port]),
# PANEL_S3_BUCKET, PANEL_S3_REGION (default us-east-1), PANEL_S3_PREFIX (ends with /),
# PANEL_S3_ACCESS_KEY_ID, PANEL_S3_SECRET_ACCESS_KEY_FILE; MAUTIC_ROOT (default /var/www/html).
set -euo pipefail

log() { printf 'mautic-backup: %s\n' "$*"; }
fail() {
  printf 'mautic-backup: ERROR: %s\n' "$*" >&2
  exit 1
}

MODE="${PANEL_BACKUP_MODE:-backup}"
[[ "$MODE" == backup || "$MODE" == purge ]] || fail "PANEL_BACKUP_MODE must be backup or purge"
if [[ "$MODE" == purge ]]; then
  required=(PANEL_BACKUP_DIR PANEL_BACKUP_DELETE)
else
  required=(MAUTIC_DB_HOST MAUTIC_DB_DATABASE MAUTIC_DB_USER PANEL_DB_PASSWORD_FILE PANEL_BACKUP_NAME PANEL_BACKUP_DIR
    PANEL_TENANT_ID PANEL_MAUTIC_IMAGE)
fi
for name in "${required[@]}"; do
  [[ -n "${!name:-}" ]] || fail "$name is not set"
done
if [[ "$MODE" == backup ]]; then
  [[ "$PANEL_BACKUP_NAME" =~ ^[a-z0-9][a-z0-9-]{0,99}$ ]] || fail "PANEL_BACKUP_NAME must be lower-case letters, digits and dashes"
fi
for old in ${PANEL_BACKUP_DELETE:-}; do
  [[ "$old" =~ ^[a-z0-9][a-z0-9-]{0,99}$ ]] || fail "PANEL_BACKUP_DELETE holds an invalid name: $old"
done
MAUTIC_ROOT="${MAUTIC_ROOT:-/var/www/html}"
DB_PORT="${MAUTIC_DB_PORT:-3306}"
S3_REGION="${PANEL_S3_REGION:-us-east-1}"
S3_PREFIX="${PANEL_S3_PREFIX:-}"
# The paths the tenant's data lives in, relative to MAUTIC_ROOT (the stack's persistent volumes, minus logs).
DATA_PATHS=(config docroot/media/files docroot/media/images)
if [[ "$MODE" == backup ]]; then
  for path in "${DATA_PATHS[@]}"; do
    [[ -d "$MAUTIC_ROOT/$path" ]] || fail "$MAUTIC_ROOT/$path is not mounted"
  done
fi
[[ -d "$PANEL_BACKUP_DIR" && -w "$PANEL_BACKUP_DIR" ]] || fail "the backup directory $PANEL_BACKUP_DIR is not writable"
if [[ -n "${PANEL_S3_BUCKET:-}" ]]; then
  for name in PANEL_S3_ENDPOINT PANEL_S3_ACCESS_KEY_ID PANEL_S3_SECRET_ACCESS_KEY_FILE; do
    [[ -n "${!name:-}" ]] || fail "$name is not set (PANEL_S3_BUCKET is)"
  done
fi

read_secret() {
  local file="$1" value
  [[ -r "$file" ]] || fail "cannot read the secret file $file"
  value="$(<"$file")"
  [[ -n "$value" ]] || fail "the secret file $file is empty"
  printf '%s' "$value"
}

# Work in a hidden directory on the backup volume itself (same file system: the final mv is atomic).
if [[ "$MODE" == backup ]]; then WORK="$PANEL_BACKUP_DIR/.partial-$PANEL_BACKUP_NAME"; else WORK="$PANEL_BACKUP_DIR/.purge-$$"; fi
rm -rf "$WORK"
mkdir -m 0700 "$WORK"
trap 'rm -rf "$WORK"' EXIT

# Credentials go through an option file readable by root only, never through the command line
# (which `ps` shows to anyone on the node). Option-file values are quoted; \ and " are escaped.
escape_option() { local v="$1"; v="${v//\\/\\\\}"; printf '%s' "${v//\"/\\\"}"; }
# s3 <method> <key> <payload sha256> [curl arguments...]: one signed request to the bucket.
s3() {
  local method="$1" key="$2" payload="$3"
  shift 3
  local config="$WORK/s3.curl"
  (
    umask 077
    printf 'user = "%s:%s"\n' "$(escape_option "$PANEL_S3_ACCESS_KEY_ID")" \
      "$(escape_option "$(read_secret "$PANEL_S3_SECRET_ACCESS_KEY_FILE")")" >"$config"
  )
  # The storage's answer goes to a file: on failure its error (e.g. AccessDenied) ends up in the job's log.
  if ! curl --silent --show-error --fail-with-body --retry 3 --retry-connrefused --max-time 3600 \
    --config "$config" --aws-sigv4 "aws:amz:$S3_REGION:s3" --header "x-amz-content-sha256: $payload" \
    --request "$method" --output "$WORK/s3-answer" "$@" "${PANEL_S3_ENDPOINT%/}/$PANEL_S3_BUCKET/$S3_PREFIX$key"; then
    head -c 2000 "$WORK/s3-answer" >&2 2>/dev/null || true
    printf '\n' >&2
    return 1
  fi
}
EMPTY_SHA256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855

# Removes the backups listed in PANEL_BACKUP_DELETE, on the volume and in the bucket.
delete_expired() {
  local old
  for old in ${PANEL_BACKUP_DELETE:-}; do
    log "removing the expired backup $old"
    rm -f "$PANEL_BACKUP_DIR/$old.tar"
    if [[ -n "${PANEL_S3_BUCKET:-}" ]]; then
      s3 DELETE "$old.tar" "$EMPTY_SHA256" || fail "removing s3://$PANEL_S3_BUCKET/$S3_PREFIX$old.tar failed"
    fi
  done
}

if [[ "$MODE" == purge ]]; then
  delete_expired
  printf 'PANEL_PURGE_RESULT {"deleted":%s}\n' "$(wc -w <<<"$PANEL_BACKUP_DELETE" | tr -d ' ')"
  exit 0
fi

DB_OPTIONS="$WORK/client.cnf"
(
  umask 077
  printf '[client]\nuser="%s"\npassword="%s"\nhost="%s"\nport=%s\n' \
    "$(escape_option "$MAUTIC_DB_USER")" "$(escape_option "$(read_secret "$PANEL_DB_PASSWORD_FILE")")" \
    "$(escape_option "$MAUTIC_DB_HOST")" "$DB_PORT" >"$DB_OPTIONS"
)

log "dumping database $MAUTIC_DB_DATABASE"
mysqldump --defaults-extra-file="$DB_OPTIONS" --single-transaction --quick --routines --triggers --events \
  --hex-blob --no-tablespaces --default-character-set=utf8mb4 "$MAUTIC_DB_DATABASE" | gzip -6 >"$WORK/database.sql.gz" \
  || fail "mysqldump of $MAUTIC_DB_DATABASE failed"
# An interrupted dump lacks mysqldump's closing comment.
gzip -dc "$WORK/database.sql.gz" | tail -n 1 | grep -q '^-- Dump completed' || fail "the database dump is incomplete"

log "archiving ${DATA_PATHS[*]}"
tar --create --gzip --file="$WORK/files.tar.gz" --directory="$MAUTIC_ROOT" --numeric-owner "${DATA_PATHS[@]}" \
  || fail "archiving the Mautic volumes failed"

size_of() { stat -c %s "$1"; }
sha_of() { sha256sum "$1" | cut -d ' ' -f 1; }
json_escape() { local v="$1"; v="${v//\\/\\\\}"; v="${v//\"/\\\"}"; printf '%s' "$v"; }

{
  printf '{"format":1,"name":"%s","tenantId":"%s","database":"%s","mauticImage":"%s","createdAt":"%s","parts":{' \
    "$PANEL_BACKUP_NAME" "$(json_escape "$PANEL_TENANT_ID")" "$(json_escape "$MAUTIC_DB_DATABASE")" \
    "$(json_escape "$PANEL_MAUTIC_IMAGE")" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf '"database.sql.gz":{"size":%s,"sha256":"%s"},' "$(size_of "$WORK/database.sql.gz")" "$(sha_of "$WORK/database.sql.gz")"
  printf '"files.tar.gz":{"size":%s,"sha256":"%s"}}}\n' "$(size_of "$WORK/files.tar.gz")" "$(sha_of "$WORK/files.tar.gz")"
} >"$WORK/manifest.json"

ARCHIVE="$PANEL_BACKUP_NAME.tar"
tar --create --file="$WORK/$ARCHIVE" --directory="$WORK" manifest.json database.sql.gz files.tar.gz \
  || fail "packing the backup failed"
SIZE="$(size_of "$WORK/$ARCHIVE")"
SHA256="$(sha_of "$WORK/$ARCHIVE")"
mv "$WORK/$ARCHIVE" "$PANEL_BACKUP_DIR/$ARCHIVE"
log "wrote $PANEL_BACKUP_DIR/$ARCHIVE ($SIZE bytes, sha256 $SHA256)"
LOCATION="volume:$ARCHIVE"


if [[ -n "${PANEL_S3_BUCKET:-}" ]]; then
  log "uploading to s3://$PANEL_S3_BUCKET/$S3_PREFIX$ARCHIVE"
  s3 PUT "$ARCHIVE" "$SHA256" --upload-file "$PANEL_BACKUP_DIR/$ARCHIVE" \
    || fail "the upload to s3://$PANEL_S3_BUCKET/$S3_PREFIX$ARCHIVE failed"
  LOCATION="s3://$PANEL_S3_BUCKET/$S3_PREFIX$ARCHIVE"
fi

delete_expired

printf 'PANEL_BACKUP_RESULT {"name":"%s","size":%s,"sha256":"%s","location":"%s"}\n' \
  "$PANEL_BACKUP_NAME" "$SIZE" "$SHA256" "$(json_escape "$LOCATION")"
