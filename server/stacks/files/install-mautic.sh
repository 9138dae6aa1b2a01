#!/bin/bash
# Unattended first install of a Mautic tenant managed by the Mautic tenant panel.
#
# Runs as the entrypoint of the stack's `mautic_install` replicated-job, in the tenant's own Mautic
# image, as root (to read the Docker secrets and fix file ownership); every Mautic console call runs as
# www-data so config/ and var/ stay owned by the web server user.
#
# Steps, each safe to repeat (every stack update re-runs the job):
#   1. wait until the tenant's MySQL answers with the tenant's credentials;
#   2. wait until mautic_web's entrypoint has created config/local.php from the image template;
#   3. write config/parameters_local.php with the trusted proxies (Mautic reads them from that file or
#      local.php only, never from the environment); a file the panel did not write is left alone;
#   4. unless config/local.php already says "installed", run `mautic:install --force` with the https site
#      URL and the admin account;
#   5. fail unless config/local.php now has site_url and db_driver: the installer exits 0 with
#      "Install canceled" when a requirement is missing.
#
# Environment (set by the stack): MAUTIC_DB_HOST, MAUTIC_DB_PORT, MAUTIC_DB_DATABASE, MAUTIC_DB_USER,
# PANEL_DB_PASSWORD_FILE, PANEL_SITE_URL, PANEL_ADMIN_EMAIL, PANEL_ADMIN_USERNAME, PANEL_ADMIN_FIRSTNAME,
# PANEL_ADMIN_LASTNAME, PANEL_ADMIN_PASSWORD_FILE, PANEL_TRUSTED_PROXIES (comma-separated).
# Optional: MAUTIC_VOLUME_CONFIG, MAUTIC_CONSOLE, MAUTIC_WWW_USER (the image's own names and defaults),
# PANEL_WAIT_ATTEMPTS (default 120) and PANEL_WAIT_SECONDS (default 5) for each wait.
set -euo pipefail

CONFIG_DIR="${MAUTIC_VOLUME_CONFIG:-/var/www/html/config}"
export PANEL_CONSOLE="${MAUTIC_CONSOLE:-/var/www/html/bin/console}"
WWW_USER="${MAUTIC_WWW_USER:-www-data}"
WAIT_ATTEMPTS="${PANEL_WAIT_ATTEMPTS:-120}"
WAIT_SECONDS="${PANEL_WAIT_SECONDS:-5}"
LOCAL_PHP="$CONFIG_DIR/local.php"
PARAMETERS_LOCAL_PHP="$CONFIG_DIR/parameters_local.php"
MARKER="// Managed by the Mautic tenant panel"

log() { printf 'mautic-install: %s\n' "$*"; }
fail() {
  printf 'mautic-install: ERROR: %s\n' "$*" >&2
  exit 1
}

for name in MAUTIC_DB_HOST MAUTIC_DB_DATABASE MAUTIC_DB_USER PANEL_DB_PASSWORD_FILE PANEL_SITE_URL \
  PANEL_ADMIN_EMAIL PANEL_ADMIN_USERNAME PANEL_ADMIN_FIRSTNAME PANEL_ADMIN_LASTNAME \
  PANEL_ADMIN_PASSWORD_FILE PANEL_TRUSTED_PROXIES; do
  [[ -n "${!name:-}" ]] || fail "$name is not set"
done
[[ "$PANEL_SITE_URL" == https://* ]] || fail "PANEL_SITE_URL must be an https:// URL"
[[ "$WAIT_ATTEMPTS" =~ ^[0-9]+$ && "$WAIT_SECONDS" =~ ^[0-9]+$ ]] || fail "wait settings must be whole numbers"
export MAUTIC_DB_PORT="${MAUTIC_DB_PORT:-3306}"

# Prints a secret file's content (without trailing newlines, like the images' own *_FILE handling).
read_secret() {
  local file="$1" value
  [[ -r "$file" ]] || fail "cannot read the secret file $file"
  value="$(<"$file")"
  [[ -n "$value" ]] || fail "the secret file $file is empty"
  printf '%s' "$value"
}

# Runs a command string as the web server user. The string is a fixed, single-quoted text in this file;
# values reach it only through exported variables, so nothing in them is ever parsed as shell code.
as_www() {
  su -s /bin/bash "$WWW_USER" -c "$1"
}

# 0 when local.php says Mautic is installed (the image's and the installer's own test).
is_installed() {
  [[ -f "$LOCAL_PHP" ]] || return 1
  # shellcheck disable=SC2016 # PHP code: the $ belong to PHP, not to the shell.
  PANEL_LOCAL_PHP="$LOCAL_PHP" as_www 'php -r '\''$parameters = []; include getenv("PANEL_LOCAL_PHP"); exit(!empty($parameters["db_driver"]) && !empty($parameters["site_url"]) ? 0 : 1);'\'''
}

# The image ships MariaDB's mysqladmin; "mysqld is alive" also proves the tenant's credentials work.
database_answers() {
  local answer
  # shellcheck disable=SC2153 # MAUTIC_DB_HOST comes from the stack and is checked at the top.
  answer="$(mysqladmin --host="$MAUTIC_DB_HOST" --port="$MAUTIC_DB_PORT" --user="$MAUTIC_DB_USER" \
    --password="$MAUTIC_DB_PASSWORD" ping 2>&1 || true)"
  [[ "$answer" == *"mysqld is alive"* ]]
}

# wait_for <description> <command...>: retries the command until it succeeds or the attempts run out.
wait_for() {
  local what="$1" attempt=1
  shift
  until "$@"; do
    ((attempt < WAIT_ATTEMPTS)) || fail "gave up waiting for $what after $attempt attempts"
    log "waiting for $what (attempt $attempt of $WAIT_ATTEMPTS)"
    attempt=$((attempt + 1))
    sleep "$WAIT_SECONDS"
  done
}

# Writes parameters_local.php with the trusted proxies, atomically and only when its content changes.
write_parameters_local() {
  local proxies=() entry list="" content tmp
  # Checked as a whole first: `read` below would silently drop everything after a newline.
  [[ "$PANEL_TRUSTED_PROXIES" =~ ^[0-9A-Fa-f.:/,]+$ ]] || fail "not an IP address or CIDR block list: $PANEL_TRUSTED_PROXIES"
  IFS=',' read -r -a proxies <<<"$PANEL_TRUSTED_PROXIES"
  ((${#proxies[@]} > 0)) || fail "PANEL_TRUSTED_PROXIES is empty"
  for entry in "${proxies[@]}"; do
    # Only address characters may reach the PHP file: this is what keeps it free of injected code.
    [[ "$entry" =~ ^[0-9A-Fa-f.:]+(/[0-9]{1,3})?$ ]] || fail "not an IP address or CIDR block: $entry"
    list+="${list:+, }'$entry'"
  done
  # shellcheck disable=SC2016 # $parameters is PHP, written literally.
  content="$(printf '<?php\n%s. The panel rewrites this file; delete this line to keep your own.\n$parameters = [\n    %s => [%s],\n];\n' \
    "$MARKER" "'trusted_proxies'" "$list")"
  if [[ -f "$PARAMETERS_LOCAL_PHP" ]]; then
    if ! grep -qF "$MARKER" "$PARAMETERS_LOCAL_PHP"; then
      log "leaving $PARAMETERS_LOCAL_PHP alone: it was not written by the panel"
      return 0
    fi
    if [[ "$(<"$PARAMETERS_LOCAL_PHP")" == "$content" ]]; then
      log "trusted proxies already set"
      return 0
    fi
  fi
  tmp="$(mktemp "$CONFIG_DIR/.parameters_local.XXXXXX")"
  printf '%s\n' "$content" >"$tmp"
  chmod 0644 "$tmp"
  chown "$WWW_USER:$WWW_USER" "$tmp"
  mv -f "$tmp" "$PARAMETERS_LOCAL_PHP"
  log "trusted proxies written to $PARAMETERS_LOCAL_PHP"
}

MAUTIC_DB_PASSWORD="$(read_secret "$PANEL_DB_PASSWORD_FILE")"
# local.php (the image template) reads the DB settings from the environment while Mautic installs.
export MAUTIC_DB_PASSWORD

wait_for "the database at $MAUTIC_DB_HOST:$MAUTIC_DB_PORT" database_answers
wait_for "$LOCAL_PHP (created by mautic_web)" test -f "$LOCAL_PHP"
write_parameters_local

if is_installed; then
  log "Mautic is already installed; nothing to do"
  exit 0
fi

PANEL_ADMIN_PASSWORD="$(read_secret "$PANEL_ADMIN_PASSWORD_FILE")"
export PANEL_ADMIN_PASSWORD
log "installing Mautic for $PANEL_SITE_URL"
status=0
# shellcheck disable=SC2016 # expanded by the inner shell from its environment, on purpose.
as_www 'php "$PANEL_CONSOLE" mautic:install --force \
  --admin_username="$PANEL_ADMIN_USERNAME" \
  --admin_email="$PANEL_ADMIN_EMAIL" \
  --admin_firstname="$PANEL_ADMIN_FIRSTNAME" \
  --admin_lastname="$PANEL_ADMIN_LASTNAME" \
  --admin_password="$PANEL_ADMIN_PASSWORD" \
  "$PANEL_SITE_URL" </dev/null' || status=$?
((status == 0)) || fail "mautic:install exited with status $status"

is_installed || fail "mautic:install exited 0 but $LOCAL_PHP has no site_url: the install was canceled (see the output above)"
log "Mautic is installed"
