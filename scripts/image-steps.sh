#!/bin/bash
# The Dockerfile's steps, without a Docker engine (our machines have none): in a clean temporary
# copy of the repository's tracked files, as an unprivileged user (the image runs as `node`; here
# IMAGE_STEPS_USER, or `nobody` when run as root), it runs
#   deps     npm ci with only package.json, package-lock.json, prisma.config.ts and prisma/;
#   build    the whole tree copied over it, npm run build, npm prune --omit=dev;
#   runtime  only what the runtime stage copies, then `node build/server.js` in production against
#            the built-in emulator: /readyz green, the bootstrap admin signs in, SIGTERM exits 0
#            within 10 s.
# Any failure stops the script with a non-zero exit and says which step failed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n== image steps: %s\n' "$*"; }
fail() {
  printf 'image steps: ERROR: %s\n' "$*" >&2
  exit 1
}

RUN_AS="${IMAGE_STEPS_USER:-}"
if [[ "$(id -u)" -eq 0 && -z "$RUN_AS" ]]; then RUN_AS=nobody; fi
mkdir -p "$WORK/deps" "$WORK/runtime" "$WORK/home" "$WORK/npm-cache" "$WORK/data"
# The caller's npm settings (registry, nodedir for node-gyp's headers) apply to the build user too.
NPMRC="$(npm config get userconfig 2>/dev/null || true)"
if [[ -n "$NPMRC" && -f "$NPMRC" ]]; then cp "$NPMRC" "$WORK/home/.npmrc"; fi
# Runs a command as the unprivileged user, with a home and an npm cache of its own.
as_user() {
  if [[ -n "$RUN_AS" ]]; then
    runuser -u "$RUN_AS" -- env PATH="$PATH" HOME="$WORK/home" npm_config_cache="$WORK/npm-cache" CHECKPOINT_DISABLE=1 "$@"
  else
    env HOME="$WORK/home" npm_config_cache="$WORK/npm-cache" CHECKPOINT_DISABLE=1 "$@"
  fi
}

step "deps (npm ci with the manifests and prisma/ only)"
(cd "$ROOT" && cp --parents package.json package-lock.json prisma.config.ts "$WORK/deps/" && git ls-files -z prisma | xargs -0 cp --parents -t "$WORK/deps/")
if [[ -n "$RUN_AS" ]]; then chown -R "$RUN_AS" "$WORK"; fi
(cd "$WORK/deps" && as_user npm ci --no-audit --no-fund --loglevel=error) || fail "npm ci failed"

step "build (the whole tree, npm run build, npm prune --omit=dev)"
(cd "$ROOT" && git ls-files -z | xargs -0 cp --parents -t "$WORK/deps/")
if [[ -n "$RUN_AS" ]]; then chown -R "$RUN_AS" "$WORK/deps"; fi
(cd "$WORK/deps" && as_user npm run -s build) || fail "npm run build failed"
(cd "$WORK/deps" && as_user npm prune --omit=dev --no-audit --no-fund --loglevel=error) || fail "npm prune failed"

step "runtime (only what the runtime stage copies)"
for item in package.json package-lock.json prisma.config.ts node_modules prisma build public server scripts; do
  cp -a "$WORK/deps/$item" "$WORK/runtime/"
done
if [[ -n "$RUN_AS" ]]; then chown -R "$RUN_AS" "$WORK/runtime" "$WORK/data"; fi
# setpriv execs the server in place (runuser would fork, and kill it on SIGTERM instead of passing it on).
DROP=()
if [[ -n "$RUN_AS" ]]; then DROP=(setpriv --reuid="$RUN_AS" --regid="$(id -g "$RUN_AS")" --clear-groups); fi
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
BASE="http://127.0.0.1:$PORT"
(
  cd "$WORK/runtime"
  exec env -i PATH="$PATH" NODE_ENV=production HOST=127.0.0.1 PORT="$PORT" APP_URL="$BASE" \
    DATABASE_URL="file:$WORK/data/panel.db" APP_SECRET="image-steps-secret-0123456789-abcdefghij" \
    PORTAINER_EMULATOR=true ADMIN_EMAIL=image@example.com ADMIN_PASSWORD="image steps password 1" \
    LOG_LEVEL=warn SHUTDOWN_TIMEOUT_MS=5000 \
    "${DROP[@]}" node build/server.js
) >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

ready=""
for _ in $(seq 1 120); do
  if curl --silent --fail "$BASE/readyz" >/dev/null 2>&1; then ready=yes; break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; fail "the server exited before it was ready"; }
  sleep 0.5
done
[[ -n "$ready" ]] || { cat "$WORK/server.log" >&2; fail "/readyz did not answer 200 within 60 s"; }
[[ -f "$WORK/data/panel.db" ]] || fail "the database was not created and migrated at start"

answer="$(curl --silent --fail -H 'content-type: application/json' -H "origin: $BASE" \
  -d '{"query":"mutation { login(email: \"image@example.com\", password: \"image steps password 1\") { __typename } }"}' "$BASE/graphql")" \
  || fail "the sign-in request failed"
[[ "$answer" == *MutationLoginSuccess* ]] || fail "the bootstrap admin could not sign in: $answer"

step "SIGTERM"
kill -TERM "$SERVER_PID"
for _ in $(seq 1 100); do
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$SERVER_PID" 2>/dev/null; then fail "the server was still running 10 s after SIGTERM"; fi
code=0
wait "$SERVER_PID" || code=$?
SERVER_PID=""
[[ "$code" -eq 0 ]] || { cat "$WORK/server.log" >&2; fail "the server exited with code $code after SIGTERM"; }
printf 'image steps: OK (deps, build, prune, runtime start as %s, ready, sign-in, SIGTERM)\n' "${RUN_AS:-$(id -un)}"
