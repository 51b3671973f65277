#!/usr/bin/env bash
# Stops the Tryton server that up.sh started, by its recorded PID. The database stays for the next run.
set -uo pipefail
root=${COCREATION_PEERS_DIR:?set COCREATION_PEERS_DIR to the folder up.sh used}
pid_file="$root/tryton.pid"
[ -f "$pid_file" ] || exit 0
pid=$(cat "$pid_file")
if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    echo "[tryton] stopped ($pid)"
fi
rm -f "$pid_file" "$root/tryton.env"
