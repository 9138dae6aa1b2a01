#!/bin/bash
# Entrypoint of the mautic_web, mautic_cron and mautic_worker services of a panel-managed tenant.
#
# The official Mautic image reads its DB password only from MAUTIC_DB_PASSWORD (its start-up checks and
# mysqladmin ping need the plain variable; docker-mautic#306) and the mailer from MAUTIC_MAILER_DSN.
# Putting the values into the stack file would store them in Portainer and show them in
# `docker service inspect`. Instead the stack mounts them as Docker secrets and names the files in
# PANEL_DB_PASSWORD_FILE / PANEL_MAILER_DSN_FILE; this wrapper exports their contents and then hands over
# to the image's own entrypoint with the same arguments.
#
# PANEL_IMAGE_ENTRYPOINT overrides the entrypoint path (default /entrypoint.sh, the image's ENTRYPOINT).
set -euo pipefail

# export_from_file <variable> <variable holding the file path>
export_from_file() {
  local target="$1" file_var="$2" file value
  file="${!file_var:-}"
  [[ -n "$file" ]] || return 0
  if [[ ! -r "$file" ]]; then
    printf 'mautic-entrypoint: ERROR: cannot read %s (from %s)\n' "$file" "$file_var" >&2
    exit 1
  fi
  value="$(<"$file")"
  export "$target=$value"
  unset "$file_var"
}

export_from_file MAUTIC_DB_PASSWORD PANEL_DB_PASSWORD_FILE
export_from_file MAUTIC_MAILER_DSN PANEL_MAILER_DSN_FILE

exec "${PANEL_IMAGE_ENTRYPOINT:-/entrypoint.sh}" "$@"
