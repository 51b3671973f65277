#!/usr/bin/env bash
# Tryton 6.0 ERP (sale, stock, production) on SQLite, JSON-RPC on 127.0.0.1, for the Tryton adapter's
# integration tests. Idempotent: an initialised database under $COCREATION_PEERS_DIR/tryton is reused.
# Writes $COCREATION_PEERS_DIR/tryton.env (COCREATION_TRYTON_URL, _DATABASE, _TESTS_DATABASE, _USER, _PASSWORD).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${COCREATION_PEERS_DIR:?set COCREATION_PEERS_DIR to a scratch folder}/tryton
ttl=${COCREATION_PEERS_TTL:-3600}   # hard upper bound on the server's lifetime, in seconds
port=${COCREATION_TRYTON_PORT:-58000}
database=cocreation
# The adapter's own tests get a database of their own, so that samples and stories running beside them (other
# test assemblies, in parallel) never write records into the event streams those tests read back exactly.
tests_database=${database}_tests
mkdir -p "$dir/db"
started=$SECONDS
export DEBIAN_FRONTEND=noninteractive

step() { local s=$SECONDS; "$@"; echo "[tryton] $1 took $((SECONDS - s)) s"; }

install_packages() {
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends tryton-server tryton-modules-sale \
        tryton-modules-production tryton-modules-stock >/dev/null
}

if ! command -v trytond >/dev/null || [ ! -d /usr/lib/python3/dist-packages/trytond/modules/production ] \
    || [ ! -d /usr/lib/python3/dist-packages/trytond/modules/sale ]; then
    step install_packages
else
    echo "[tryton] packages already installed"
fi

# A fresh password per data folder; it stays on this machine, in the data folder and the .env file.
[ -s "$dir/admin.pass" ] || { umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$dir/admin.pass"; }
printf '[database]\nuri = sqlite://\npath = %s\n[web]\nlisten = 127.0.0.1:%s\n[session]\ntimeout = 3600\n' \
    "$dir/db" "$port" >"$dir/trytond.conf"

init_database() {
    rm -f "$dir/db/.initialised" "$dir/db/$tests_database.sqlite"
    : >"$dir/db/$database.sqlite"
    # `|| return`: set -e does not apply inside a function called from `||`.
    TRYTONPASSFILE="$dir/admin.pass" timeout 900 trytond-admin -c "$dir/trytond.conf" -d "$database" --all \
        --email admin@example.test >"$dir/init.log" 2>&1 || return 1
    timeout 900 trytond-admin -c "$dir/trytond.conf" -d "$database" -u sale production stock \
        --activate-dependencies >>"$dir/init.log" 2>&1 || return 1
    # Company, currency and the admin's company: what production and stock need before their first record.
    # The system interpreter, because Debian installs trytond for it (another python3 may come first on PATH).
    timeout 300 /usr/bin/python3 "$here/setup_company.py" "$dir/trytond.conf" "$database" >>"$dir/init.log" 2>&1 || return 1
    touch "$dir/db/.initialised"
}

if [ -s "$dir/db/$database.sqlite" ] && [ -e "$dir/db/.initialised" ]; then
    echo "[tryton] reusing the initialised database in $dir/db"
else
    step init_database || { echo "[tryton] database initialisation failed; see $dir/init.log" >&2; tail -n 30 "$dir/init.log" >&2; exit 1; }
fi

# A copy of the initialised database, through SQLite's online backup (safe even while a server writes to it).
if [ ! -s "$dir/db/$tests_database.sqlite" ]; then
    /usr/bin/python3 -c 'import sqlite3, sys; s = sqlite3.connect(sys.argv[1]); d = sqlite3.connect(sys.argv[2]); s.backup(d); d.close(); s.close()' \
        "$dir/db/$database.sqlite" "$dir/db/$tests_database.sqlite"
    echo "[tryton] database $tests_database copied from $database"
fi

if [ -s "$dir/../tryton.pid" ] && kill -0 "$(cat "$dir/../tryton.pid")" 2>/dev/null; then
    echo "[tryton] already running (pid $(cat "$dir/../tryton.pid"))"
else
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
        # Another server (another data folder's Tryton, say) would answer the readiness check in ours' place.
        echo "[tryton] port $port is already taken by another process; stop it or set COCREATION_TRYTON_PORT" >&2
        exit 1
    fi
    start=$SECONDS
    timeout "$ttl" trytond -c "$dir/trytond.conf" >"$dir/trytond.log" 2>&1 &
    echo $! >"$dir/../tryton.pid"
    ready=
    for _ in $(seq 1 240); do
        if curl -s -o /dev/null -H 'Content-Type: application/json' \
            -d '{"id":0,"method":"common.server.version","params":[]}' "http://127.0.0.1:$port/"; then
            ready=1; break
        fi
        kill -0 "$(cat "$dir/../tryton.pid")" 2>/dev/null || break
        sleep 0.5
    done
    [ -n "$ready" ] || { echo "[tryton] server did not answer; see $dir/trytond.log" >&2; tail -n 30 "$dir/trytond.log" >&2; exit 1; }
    echo "[tryton] server start took $((SECONDS - start)) s"
fi

{
    echo "COCREATION_TRYTON_URL=http://127.0.0.1:$port/"
    echo "COCREATION_TRYTON_DATABASE=$database"
    echo "COCREATION_TRYTON_TESTS_DATABASE=$tests_database"
    echo "COCREATION_TRYTON_USER=admin"
    echo "COCREATION_TRYTON_PASSWORD=$(cat "$dir/admin.pass")"
} >"$dir/../tryton.env"
echo "[tryton] JSON-RPC http://127.0.0.1:$port/$database/ ready; set-up took $((SECONDS - started)) s"
