#!/usr/bin/env bash
# Stops the RabbitMQ node and the epmd that up.sh started, each as a whole process group (up.sh started them with
# setsid, so the recorded PID is the group's id), and removes their PID and variables files. Nothing else is touched:
# another epmd or node keeps running.
set -euo pipefail
peers="${COCREATION_PEERS_DIR:?set COCREATION_PEERS_DIR to the folder up.sh used}"

# Is the process group still there, and is it ours (one of its members runs epmd or RabbitMQ)? The group outlives its
# leader when only the leader died, so the members are looked at, not the leader.
ours() {
    ps -eo pgid=,args= | awk -v g="$1" '$1 == g' | grep -q -e epmd -e rabbit
}

stop_group() {
    local name="$1" pid_file="$peers/$2" pgid
    [ -s "$pid_file" ] || { rm -f "$pid_file"; return 0; }
    pgid="$(cat "$pid_file")"
    if ours "$pgid"; then
        kill -TERM -- "-$pgid" 2>/dev/null || true
        for _ in $(seq 1 60); do
            ours "$pgid" || break
            sleep 0.25
        done
        kill -KILL -- "-$pgid" 2>/dev/null || true
        echo "rabbitmq: $name stopped (process group $pgid)"
    fi
    rm -f "$pid_file"
}

stop_group server rabbitmq.pid
stop_group epmd rabbitmq-epmd.pid
rm -f "$peers/rabbitmq.env"
