#!/usr/bin/env bash
# Bluesky peer: a real AT Protocol PDS (@atproto/pds) with its own PLC directory (@did-plc/server),
# both bound to 127.0.0.1 and bounded by `timeout`. No AppView, so app.bsky.* reads (threads, search,
# notifications) are not served; the adapter's tests read threads from the PDS repositories instead.
#
# Writes $COCREATION_PEERS_DIR/bluesky.env with:
#   COCREATION_BLUESKY_URL            the PDS (XRPC) base address
#   COCREATION_BLUESKY_PLC_URL        the PLC directory
#   COCREATION_BLUESKY_HANDLE_DOMAIN  the suffix account handles must end with (".test")
#   COCREATION_BLUESKY_ADMIN_PASSWORD the PDS admin password (Basic auth user "admin"), new on every start
#
# Variables: COCREATION_PEERS_DIR (required), COCREATION_PEERS_TTL (seconds the servers may live, default 3600),
# COCREATION_BLUESKY_PDS_PORT (default 52583), COCREATION_BLUESKY_PLC_PORT (default 52582).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
peers_dir="${COCREATION_PEERS_DIR:?set COCREATION_PEERS_DIR to a scratch folder}"
ttl="${COCREATION_PEERS_TTL:-3600}"
pds_port="${COCREATION_BLUESKY_PDS_PORT:-52583}"
plc_port="${COCREATION_BLUESKY_PLC_PORT:-52582}"
pds_version="0.4.217"   # the last PDS release that runs on Node 20
plc_version="0.0.1"
work="$peers_dir/bluesky"
pid_file="$peers_dir/bluesky.pid"
env_file="$peers_dir/bluesky.env"

mkdir -p "$work"
command -v node >/dev/null || { echo "bluesky: node is not installed (Node 20 is needed)" >&2; exit 1; }
command -v curl >/dev/null || { echo "bluesky: curl is not installed" >&2; exit 1; }

if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "bluesky: already running (PID $(cat "$pid_file")); stopping it first"
    bash "$here/down.sh"
fi

for port in "$pds_port" "$plc_port"; do
    if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
        echo "bluesky: port $port on 127.0.0.1 is taken by another process" >&2
        exit 1
    fi
done

install_started=$SECONDS
if [ "$(node -p "try { require('$work/node_modules/@atproto/pds/package.json').version } catch { '' }")" != "$pds_version" ] \
    || [ ! -d "$work/node_modules/@did-plc/server" ]; then
    echo "bluesky: installing @atproto/pds@$pds_version and @did-plc/server@$plc_version (a few minutes: native modules compile)"
    [ -f "$work/package.json" ] || printf '{ "name": "cocreation-bluesky-peer", "private": true }\n' >"$work/package.json"
    (cd "$work" && timeout 1200 npm install --no-audit --no-fund --loglevel=error \
        "@atproto/pds@$pds_version" "@did-plc/server@$plc_version")
else
    echo "bluesky: reusing the installed packages"
fi
echo "bluesky: install took $((SECONDS - install_started)) s"

cp "$here/pds-server.js" "$work/pds-server.js"
admin_password="$(node -e "process.stdout.write(require('crypto').randomBytes(18).toString('hex'))")"

start_started=$SECONDS
(
    cd "$work"
    export PDS_PORT="$pds_port" PLC_PORT="$plc_port" PDS_DATA_DIRECTORY="$work/data" PDS_ADMIN_PASSWORD="$admin_password"
    exec timeout "$ttl" node pds-server.js >"$work/pds.log" 2>&1
) &
echo $! >"$pid_file"

ready=0
for _ in $(seq 1 240); do
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
        break
    fi
    if curl -sf --max-time 2 "http://127.0.0.1:$pds_port/xrpc/_health" >/dev/null; then
        ready=1
        break
    fi
    sleep 0.5
done
if [ "$ready" -ne 1 ]; then
    echo "bluesky: the PDS did not become ready; last log lines:" >&2
    tail -n 30 "$work/pds.log" >&2 || true
    bash "$here/down.sh" || true
    exit 1
fi
echo "bluesky: start took $((SECONDS - start_started)) s"

umask 077
cat >"$env_file" <<ENV
COCREATION_BLUESKY_URL=http://127.0.0.1:$pds_port
COCREATION_BLUESKY_PLC_URL=http://127.0.0.1:$plc_port
COCREATION_BLUESKY_HANDLE_DOMAIN=.test
COCREATION_BLUESKY_ADMIN_PASSWORD=$admin_password
ENV
echo "bluesky: PDS http://127.0.0.1:$pds_port (PLC :$plc_port), PID $(cat "$pid_file"); variables in $env_file"
