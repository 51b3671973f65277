#!/usr/bin/env bash
# Stops the RabbitMQ node and the epmd that up.sh started, each as a whole process group (up.sh started them with
# setsid), and removes their PID and variables files. Nothing else is touched: another epmd or node keeps running.
set -euo pipefail
peers="${COCREATION_PEERS_DIR:?set COCREATION_PEERS_DIR to the folder up.sh used}"

stop_group() {
    local name="$1" pid_file="$peers/$2" pid
    [ -s "$pid_file" ] || { rm -f "$pid_file"; return 0; }
    pid="$(cat "$pid_file")"
    # The PID is the group leader (setsid); signal the group only if that process is still ours to signal.
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM -- "-$pid" 2>/dev/null || true
        for _ in $(seq 1 60); do
            kill -0 -- "-$pid" 2>/dev/null || break
            sleep 0.25
        done
        kill -KILL -- "-$pid" 2>/dev/null || true
        echo "rabbitmq: $name stopped (process group $pid)"
    fi
    rm -f "$pid_file"
}

stop_group server rabbitmq.pid
stop_group epmd rabbitmq-epmd.pid
rm -f "$peers/rabbitmq.env"
