#!/usr/bin/env bash
# Vendure 3.7.3 (headless e-commerce: GraphQL Admin and Shop APIs) on SQLite, bound to 127.0.0.1, for the Vendure
# adapter's integration tests. The npm packages under $COCREATION_PEERS_DIR/vendure/cache are reused; every start gets
# a fresh database, a fresh superadmin password, cookie secret and webhook signing secret.
# Writes $COCREATION_PEERS_DIR/vendure.env (COCREATION_VENDURE_ADMIN_API, _SHOP_API, _ADMIN_USER, _ADMIN_PASSWORD,
# _WEBHOOK_SECRET).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
peers=${COCREATION_PEERS_DIR:?set COCREATION_PEERS_DIR to a scratch folder}
dir=$peers/vendure
ttl=${COCREATION_PEERS_TTL:-3600}   # hard upper bound on the server's lifetime, in seconds
port=${COCREATION_VENDURE_PORT:-52600}
mkdir -p "$dir/cache" "$dir/run"
started=$SECONDS

if [ -s "$peers/vendure.pid" ] && kill -0 "$(cat "$peers/vendure.pid")" 2>/dev/null; then
    echo "[vendure] already running (pid $(cat "$peers/vendure.pid")); stop it with down.sh for a fresh database"
    [ -s "$peers/vendure.env" ] && exit 0
    echo "[vendure] but $peers/vendure.env is missing; stop it with down.sh and start again" >&2
    exit 1
fi

if [ -e "$dir/cache/.installed-3.7.3" ]; then
    echo "[vendure] reusing the npm packages in $dir/cache"
else
    s=$SECONDS
    (cd "$dir/cache" && [ -f package.json ] || echo '{"name":"cocreation-vendure-peer","private":true}' >"$dir/cache/package.json")
    (cd "$dir/cache" && timeout 1200 npm install --no-audit --no-fund --loglevel=error \
        @vendure/core@3.7.3 better-sqlite3@12 >"$dir/npm-install.log" 2>&1) \
        || { echo "[vendure] npm install failed; see $dir/npm-install.log" >&2; tail -n 30 "$dir/npm-install.log" >&2; exit 1; }
    touch "$dir/cache/.installed-3.7.3"
    echo "[vendure] npm install took $((SECONDS - s)) s"
fi

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if port_taken "$port"; then
    for candidate in $(seq $((port + 1)) $((port + 200))); do
        port_taken "$candidate" || { echo "[vendure] port $port is taken; using $candidate"; port=$candidate; break; }
    done
fi

# Fresh per start: database, superadmin password, cookie secret, webhook signing secret (Standard Webhooks "whsec_").
rm -rf "$dir/run" && mkdir -p "$dir/run"
umask 077
password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
cookie=$(head -c 32 /dev/urandom | base64 | tr -d '/+=')
webhook="whsec_$(head -c 32 /dev/urandom | base64 -w0)"
cp "$here/vendure-peer.js" "$dir/cache/vendure-peer.js"

s=$SECONDS
VENDURE_DISABLE_TELEMETRY=true VENDURE_PORT=$port VENDURE_DATA_DIR="$dir/run" \
VENDURE_SUPERADMIN_PASSWORD=$password VENDURE_COOKIE_SECRET=$cookie \
COCREATION_VENDURE_WEBHOOK_SECRET=$webhook COCREATION_VENDURE_WEBHOOK_URLS=${COCREATION_VENDURE_WEBHOOK_URLS:-} \
    timeout "$ttl" node "$dir/cache/vendure-peer.js" >"$dir/run/vendure.log" 2>&1 &
echo $! >"$peers/vendure.pid"
ready=
for _ in $(seq 1 360); do
    [ -e "$dir/run/ready" ] && { ready=1; break; }
    kill -0 "$(cat "$peers/vendure.pid")" 2>/dev/null || break
    sleep 0.5
done
[ -n "$ready" ] || { echo "[vendure] server did not become ready; see $dir/run/vendure.log" >&2; tail -n 40 "$dir/run/vendure.log" >&2; exit 1; }
echo "[vendure] server start and store set-up took $((SECONDS - s)) s"

{
    echo "COCREATION_VENDURE_ADMIN_API=http://127.0.0.1:$port/admin-api"
    echo "COCREATION_VENDURE_SHOP_API=http://127.0.0.1:$port/shop-api"
    echo "COCREATION_VENDURE_ADMIN_USER=superadmin"
    echo "COCREATION_VENDURE_ADMIN_PASSWORD=$password"
    echo "COCREATION_VENDURE_WEBHOOK_SECRET=$webhook"
} >"$peers/vendure.env"
echo "[vendure] Admin API http://127.0.0.1:$port/admin-api ready; set-up took $((SECONDS - started)) s"
