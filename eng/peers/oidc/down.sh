#!/usr/bin/env bash
# Stops the OIDC peer that up.sh started, by its recorded PID.
set -euo pipefail
peers_dir="${COCREATION_PEERS_DIR:?set COCREATION_PEERS_DIR to the folder up.sh used}"
pid_file="$peers_dir/oidc.pid"
[ -f "$pid_file" ] || exit 0
pid="$(cat "$pid_file")"
if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null || true
    fi
    echo "oidc: stopped (PID $pid)"
fi
rm -f "$pid_file" "$peers_dir/oidc.env"
