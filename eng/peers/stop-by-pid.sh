#!/usr/bin/env bash
# Stops the peer NAME that its up.sh started, by the PID it recorded in $COCREATION_PEERS_DIR/NAME.pid, and removes
# its PID and variables files. Data the peer keeps (a database) stays for the next run. Used by every peer's down.sh.
set -euo pipefail
name="${1:?usage: stop-by-pid.sh NAME}"
peers_dir="${COCREATION_PEERS_DIR:?set COCREATION_PEERS_DIR to the folder up.sh used}"
pid_file="$peers_dir/$name.pid"
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
    echo "$name: stopped (PID $pid)"
fi
rm -f "$pid_file" "$peers_dir/$name.env"
