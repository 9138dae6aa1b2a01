#!/bin/bash
# Restore of one Mautic tenant from a backup made by backup-tenant.sh, run by the Mautic tenant panel as
# a one-shot Swarm job while the tenant's Mautic services are scaled to zero (the database keeps running).
#
# Runs like the backup: the `job` service of the companion stack `mautic-<slug>-ops`, the tenant's Mautic
# image, root, the tenant's volumes at the Mautic paths and the backup volume at PANEL_BACKUP_DIR.
#
# Steps (any failure stops the script with a non-zero exit and an "ERROR:" line):
#   1. find `<PANEL_BACKUP_NAME>.tar` on the backup volume, or download it from S3 when PANEL_S3_BUCKET is
#      set (a clone on another node); refuse it unless its SHA-256 is PANEL_BACKUP_SHA256;
#   2. unpack it and check each part against manifest.json;
#   3. drop every table and view of the tenant database, then load the dump;
#   4. replace the contents of config, media/files and media/images with the archived ones;
#   5. with PANEL_REWRITE_CONFIG=1 (a clone into another tenant), point config/local.php at this tenant's
#      database and site URL;
#   6. print `PANEL_RESTORE_RESULT {"name":…,"sha256":…}`.
#
# Environment: MAUTIC_DB_HOST, MAUTIC_DB_PORT, MAUTIC_DB_DATABASE, MAUTIC_DB_USER, PANEL_DB_PASSWORD_FILE,
# PANEL_BACKUP_NAME, PANEL_BACKUP_SHA256, PANEL_BACKUP_DIR. Optional: PANEL_S3_* as in backup-tenant.sh,
# PANEL_REWRITE_CONFIG with PANEL_SITE_URL, MAUTIC_ROOT (default /var/www/html), MAUTIC_WWW_USER
# (default www-data).
set -euo pipefail

log() { printf 'mautic-restore: %s\n' "$*"; }
fail() {
  printf 'mautic-restore: ERROR: %s\n' "$*" >&2
  exit 1
}

for name in MAUTIC_DB_HOST MAUTIC_DB_DATABASE MAUTIC_DB_USER PANEL_DB_PASSWORD_FILE PANEL_BACKUP_NAME \
  PANEL_BACKUP_SHA256 PANEL_BACKUP_DIR; do
  [[ -n "${!name:-}" ]] || fail "$name is not set"
done
[[ "$PANEL_BACKUP_NAME" =~ ^[a-z0-9][a-z0-9-]{0,99}$ ]] || fail "PANEL_BACKUP_NAME must be lower-case letters, digits and dashes"
[[ "$PANEL_BACKUP_SHA256" =~ ^[0-9a-f]{64}$ ]] || fail "PANEL_BACKUP_SHA256 must be 64 hex digits"
if [[ "${PANEL_REWRITE_CONFIG:-}" == 1 ]]; then
  [[ "${PANEL_SITE_URL:-}" == https://* ]] || fail "PANEL_SITE_URL must be an https:// URL"
fi
MAUTIC_ROOT="${MAUTIC_ROOT:-/var/www/html}"
WWW_USER="${MAUTIC_WWW_USER:-www-data}"
DB_PORT="${MAUTIC_DB_PORT:-3306}"
S3_REGION="${PANEL_S3_REGION:-us-east-1}"
S3_PREFIX="${PANEL_S3_PREFIX:-}"
DATA_PATHS=(config docroot/media/files docroot/media/images)
for path in "${DATA_PATHS[@]}"; do
  [[ -d "$MAUTIC_ROOT/$path" ]] || fail "$MAUTIC_ROOT/$path is not mounted"
done
[[ -d "$PANEL_BACKUP_DIR" ]] || fail "the backup directory $PANEL_BACKUP_DIR is not mounted"

read_secret() {
  local file="$1" value
  [[ -r "$file" ]] || fail "cannot read the secret file $file"
  value="$(<"$file")"
  [[ -n "$value" ]] || fail "the secret file $file is empty"
  printf '%s' "$value"
}
escape_option() { local v="$1"; v="${v//\\/\\\\}"; printf '%s' "${v//\"/\\\"}"; }

WORK="$(mktemp -d "$PANEL_BACKUP_DIR/.restore-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
DB_OPTIONS="$WORK/client.cnf"
(
  umask 077
  printf '[client]\nuser="%s"\npassword="%s"\nhost="%s"\nport=%s\n' \
    "$(escape_option "$MAUTIC_DB_USER")" "$(escape_option "$(read_secret "$PANEL_DB_PASSWORD_FILE")")" \
    "$(escape_option "$MAUTIC_DB_HOST")" "$DB_PORT" >"$DB_OPTIONS"
)

ARCHIVE="$PANEL_BACKUP_DIR/$PANEL_BACKUP_NAME.tar"
if [[ ! -f "$ARCHIVE" ]]; then
  [[ -n "${PANEL_S3_BUCKET:-}" ]] || fail "the backup $PANEL_BACKUP_NAME.tar is not on this node's backup volume"
  for name in PANEL_S3_ENDPOINT PANEL_S3_ACCESS_KEY_ID PANEL_S3_SECRET_ACCESS_KEY_FILE; do
    [[ -n "${!name:-}" ]] || fail "$name is not set (PANEL_S3_BUCKET is)"
  done
  log "downloading s3://$PANEL_S3_BUCKET/$S3_PREFIX$PANEL_BACKUP_NAME.tar"
  (
    umask 077
    printf 'user = "%s:%s"\n' "$(escape_option "$PANEL_S3_ACCESS_KEY_ID")" \
      "$(escape_option "$(read_secret "$PANEL_S3_SECRET_ACCESS_KEY_FILE")")" >"$WORK/s3.curl"
  )
  ARCHIVE="$WORK/$PANEL_BACKUP_NAME.tar"
  curl --silent --show-error --fail --retry 3 --retry-connrefused --max-time 3600 --config "$WORK/s3.curl" \
    --aws-sigv4 "aws:amz:$S3_REGION:s3" \
    --header "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    --output "$ARCHIVE" "${PANEL_S3_ENDPOINT%/}/$PANEL_S3_BUCKET/$S3_PREFIX$PANEL_BACKUP_NAME.tar" \
    || fail "the download of s3://$PANEL_S3_BUCKET/$S3_PREFIX$PANEL_BACKUP_NAME.tar failed"
fi

actual="$(sha256sum "$ARCHIVE" | cut -d ' ' -f 1)"
[[ "$actual" == "$PANEL_BACKUP_SHA256" ]] || fail "the backup's SHA-256 is $actual, not $PANEL_BACKUP_SHA256: refusing a damaged or different file"
tar --extract --file="$ARCHIVE" --directory="$WORK" manifest.json database.sql.gz files.tar.gz \
  || fail "the backup archive cannot be unpacked"
for part in database.sql.gz files.tar.gz; do
  expected="\"$part\":{\"size\":$(stat -c %s "$WORK/$part"),\"sha256\":\"$(sha256sum "$WORK/$part" | cut -d ' ' -f 1)\"}"
  grep -qF "$expected" "$WORK/manifest.json" || fail "$part does not match the backup's manifest"
done
log "backup $PANEL_BACKUP_NAME verified"

# Every table and view goes first: tables a failed upgrade's migrations added would otherwise survive.
log "emptying database $MAUTIC_DB_DATABASE"
objects="$(mysql --defaults-extra-file="$DB_OPTIONS" --batch --skip-column-names "$MAUTIC_DB_DATABASE" \
  --execute="SELECT table_type, table_name FROM information_schema.tables WHERE table_schema = DATABASE()")" \
  || fail "listing the tables of $MAUTIC_DB_DATABASE failed"
drops="SET FOREIGN_KEY_CHECKS=0;"
while IFS=$'\t' read -r kind table; do
  [[ -n "$table" ]] || continue
  if [[ "$kind" == VIEW ]]; then drops+=" DROP VIEW IF EXISTS \`${table//\`/\`\`}\`;"; else drops+=" DROP TABLE IF EXISTS \`${table//\`/\`\`}\`;"; fi
done <<<"$objects"
mysql --defaults-extra-file="$DB_OPTIONS" "$MAUTIC_DB_DATABASE" --execute="$drops" || fail "emptying $MAUTIC_DB_DATABASE failed"

log "loading the database dump"
gzip -dc "$WORK/database.sql.gz" | mysql --defaults-extra-file="$DB_OPTIONS" "$MAUTIC_DB_DATABASE" \
  || fail "loading the dump into $MAUTIC_DB_DATABASE failed"

log "restoring ${DATA_PATHS[*]}"
for path in "${DATA_PATHS[@]}"; do
  # The directories are mount points: empty them, never remove them.
  find "$MAUTIC_ROOT/$path" -mindepth 1 -delete || fail "emptying $MAUTIC_ROOT/$path failed"
done
tar --extract --gzip --file="$WORK/files.tar.gz" --directory="$MAUTIC_ROOT" --numeric-owner "${DATA_PATHS[@]}" \
  || fail "unpacking the Mautic files failed"

if [[ "${PANEL_REWRITE_CONFIG:-}" == 1 ]]; then
  log "pointing config/local.php at this tenant's database and $PANEL_SITE_URL"
  # shellcheck disable=SC2016 # PHP code: the $ belong to PHP, not to the shell.
  PANEL_DB_PASSWORD="$(read_secret "$PANEL_DB_PASSWORD_FILE")" PANEL_LOCAL_PHP="$MAUTIC_ROOT/config/local.php" \
    MAUTIC_DB_PORT="$DB_PORT" php -r '
      $file = getenv("PANEL_LOCAL_PHP");
      $parameters = [];
      include $file;
      $parameters["site_url"] = getenv("PANEL_SITE_URL");
      $parameters["db_host"] = getenv("MAUTIC_DB_HOST");
      $parameters["db_port"] = getenv("MAUTIC_DB_PORT");
      $parameters["db_name"] = getenv("MAUTIC_DB_DATABASE");
      $parameters["db_user"] = getenv("MAUTIC_DB_USER");
      $parameters["db_password"] = getenv("PANEL_DB_PASSWORD");
      exit(file_put_contents($file, "<?php\n\$parameters = " . var_export($parameters, true) . ";\n") === false ? 1 : 0);
    ' || fail "rewriting config/local.php failed"
fi

for path in "${DATA_PATHS[@]}"; do
  chown -R "$WWW_USER:$WWW_USER" "${MAUTIC_ROOT:?}/$path" || fail "giving $path to $WWW_USER failed"
done

printf 'PANEL_RESTORE_RESULT {"name":"%s","sha256":"%s"}\n' "$PANEL_BACKUP_NAME" "$PANEL_BACKUP_SHA256"
