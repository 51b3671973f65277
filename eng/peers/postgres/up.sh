#!/usr/bin/env bash
# PostgreSQL 15 (Debian package) for the PostgreSQL store's integration tests: a fresh cluster per start, bound to
# 127.0.0.1, trust authentication for loopback only, fsync off (test data), bounded by `timeout`.
# Writes $COCREATION_PEERS_DIR/postgres.env with COCREATION_POSTGRES_CONNECTION (an Npgsql connection string to the
# database `cocreation`).
#
# Variables: COCREATION_PEERS_DIR (required), COCREATION_PEERS_TTL (seconds the server may live, default 3600),
# COCREATION_POSTGRES_PORT (default 55432).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
peers="${COCREATION_PEERS_DIR:?set COCREATION_PEERS_DIR to a scratch folder}"
ttl="${COCREATION_PEERS_TTL:-3600}"
port="${COCREATION_POSTGRES_PORT:-55432}"
bin=/usr/lib/postgresql/15/bin
dir="$peers/postgres"
pid_file="$peers/postgres.pid"
started=$SECONDS

if [ ! -x "$bin/postgres" ]; then
    echo "[postgres] installing the Debian package postgresql"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

if [ -s "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "[postgres] already running (pid $(cat "$pid_file")); stopping it for a fresh cluster"
    bash "$here/down.sh"
fi

if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    echo "[postgres] port $port on 127.0.0.1 is taken by another server; stop it or set COCREATION_POSTGRES_PORT" >&2
    exit 1
fi

# A fresh cluster every start, owned by the postgres user (the server refuses to run as root).
rm -rf "$dir"
install -d -o postgres -g postgres "$dir" "$dir/sock"
runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { echo "[postgres] initdb failed; see $dir/initdb.log" >&2; tail -n 20 "$dir/initdb.log" >&2; exit 1; }
runuser -u postgres -- timeout "$ttl" "$bin/postgres" -D "$dir/data" -c listen_addresses=127.0.0.1 -c port="$port" \
    -c unix_socket_directories="$dir/sock" -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c max_connections=200 >"$dir/postgres.log" 2>&1 &
echo $! >"$pid_file"

for _ in $(seq 1 120); do
    "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
    kill -0 "$(cat "$pid_file")" 2>/dev/null || break
    sleep 0.25
done
"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" \
    || { echo "[postgres] server did not answer; see $dir/postgres.log" >&2; tail -n 20 "$dir/postgres.log" >&2; exit 1; }
"$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres cocreation

# Quoted: the file is sourced (`set -a; . postgres.env`), and unquoted semicolons would end the assignment after Host.
echo "COCREATION_POSTGRES_CONNECTION='Host=127.0.0.1;Port=$port;Username=postgres;Database=cocreation;Pooling=true'" >"$peers/postgres.env"
echo "[postgres] 127.0.0.1:$port ready; set-up took $((SECONDS - started)) s"
