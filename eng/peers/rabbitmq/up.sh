#!/usr/bin/env bash
# RabbitMQ 3.10 (Debian package) for the RabbitMQ relay transport's integration tests: a fresh node per start, bound to
# 127.0.0.1 only, with its own epmd on its own port (so an epmd left by another run or another tool is never used or
# stopped), no plugins, no guest user, bounded by `timeout`. A vhost and a user with a random password are made with
# rabbitmqctl.
# Writes $COCREATION_PEERS_DIR/rabbitmq.env with COCREATION_RABBITMQ_URI (amqp://user:password@127.0.0.1:port/vhost)
# and COCREATION_RABBITMQ_CTL (a rabbitmqctl for this node).
#
# Variables: COCREATION_PEERS_DIR (required), COCREATION_PEERS_TTL (seconds the server may live, default 3600),
# COCREATION_RABBITMQ_PORT (AMQP, default 55672), COCREATION_RABBITMQ_DIST_PORT (Erlang distribution, default AMQP + 1),
# COCREATION_RABBITMQ_EPMD_PORT (the node's own epmd, default 54369).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
peers="${COCREATION_PEERS_DIR:?set COCREATION_PEERS_DIR to a scratch folder}"
ttl="${COCREATION_PEERS_TTL:-3600}"
port="${COCREATION_RABBITMQ_PORT:-55672}"
dist_port="${COCREATION_RABBITMQ_DIST_PORT:-$((port + 1))}"
epmd_port="${COCREATION_RABBITMQ_EPMD_PORT:-54369}"
bin=/usr/lib/rabbitmq/bin
dir="$peers/rabbitmq"
vhost=cocreation
user=cocreation
started=$SECONDS

fail() {
    echo "[rabbitmq] $1" >&2
    for log in "$dir"/server.out "$dir"/log/*.log "$dir"/epmd.log; do
        [ -s "$log" ] && { echo "--- tail of $log" >&2; tail -n 25 "$log" >&2; }
    done
    bash "$here/down.sh" >&2 || true
    exit 1
}

# Is something listening on 127.0.0.1:$1?
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ ! -x "$bin/rabbitmq-server" ]; then
    echo "[rabbitmq] installing the Debian package rabbitmq-server"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    # The package's own service is not wanted (this script runs its own node); policy-rc.d keeps it from starting.
    apt-get install -y -qq --no-install-recommends rabbitmq-server >/dev/null
    echo "[rabbitmq] installed after $((SECONDS - started)) s"
fi

# Our own node and epmd from an earlier start are stopped first: every start is a fresh node.
if [ -s "$peers/rabbitmq.pid" ] || [ -s "$peers/rabbitmq-epmd.pid" ]; then
    echo "[rabbitmq] stopping the node of an earlier start"
    bash "$here/down.sh"
fi

for p in "$port" "$dist_port"; do
    if listening "$p"; then
        echo "[rabbitmq] port $p on 127.0.0.1 is taken by another server; stop it or set COCREATION_RABBITMQ_PORT / COCREATION_RABBITMQ_DIST_PORT" >&2
        exit 1
    fi
done
# An epmd this script did not start (left by another run, or another tool's) is never shared: the node would lose its
# name when that epmd stops. Without a port set, the next free one of twenty is taken instead.
if listening "$epmd_port"; then
    if [ -n "${COCREATION_RABBITMQ_EPMD_PORT:-}" ]; then
        echo "[rabbitmq] port $epmd_port on 127.0.0.1 (COCREATION_RABBITMQ_EPMD_PORT) is taken; stop what listens there or choose another" >&2
        exit 1
    fi
    for candidate in $(seq $((epmd_port + 1)) $((epmd_port + 20))); do
        listening "$candidate" || { echo "[rabbitmq] port $epmd_port is taken; the node's epmd uses $candidate"; epmd_port=$candidate; break; }
    done
    listening "$epmd_port" && { echo "[rabbitmq] no free port for epmd near $epmd_port; set COCREATION_RABBITMQ_EPMD_PORT" >&2; exit 1; }
fi

rm -rf "$dir"
mkdir -p "$dir/home" "$dir/log"
chmod 700 "$dir"
printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users = none\n' "$port" >"$dir/rabbitmq.conf"
echo '[].' >"$dir/enabled_plugins"

# The variables every Erlang program of this node reads (the server and rabbitmqctl alike): its epmd's port, its
# cookie's home, its name and files. -start_epmd false: the node never starts an epmd of its own, which would outlive it.
export HOME="$dir/home" ERL_EPMD_PORT="$epmd_port" ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_NODENAME=cocreation@localhost RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_MNESIA_BASE="$dir/mnesia" \
    RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_DIST_PORT="$dist_port" RABBITMQ_PID_FILE="$dir/node.pid" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false" \
    RABBITMQ_CTL_ERL_ARGS="-start_epmd false"

# Each in a session of its own (setsid), so down.sh stops the whole process group: epmd, the server's shell wrapper,
# beam.smp and its helper processes.
setsid timeout "$ttl" epmd -address 127.0.0.1 -port "$epmd_port" >"$dir/epmd.log" 2>&1 </dev/null &
echo $! >"$peers/rabbitmq-epmd.pid"
for _ in $(seq 1 40); do
    listening "$epmd_port" && break
    kill -0 "$(cat "$peers/rabbitmq-epmd.pid")" 2>/dev/null || break
    sleep 0.1
done
listening "$epmd_port" || fail "epmd did not listen on 127.0.0.1:$epmd_port"

setsid timeout "$ttl" "$bin/rabbitmq-server" >"$dir/server.out" 2>&1 </dev/null &
echo $! >"$peers/rabbitmq.pid"

# `wait` waits for the node's PID file, then for the node to have started.
"$bin/rabbitmqctl" -q wait "$dir/node.pid" --timeout 90 >/dev/null 2>"$dir/ctl.err" \
    || fail "the node did not start: $(tail -n 3 "$dir/ctl.err")"

password="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
"$bin/rabbitmqctl" -q add_vhost "$vhost" >/dev/null
# The password goes through standard input, not the command line (which `ps` shows).
printf '%s\n' "$password" | "$bin/rabbitmqctl" -q add_user "$user" >/dev/null 2>"$dir/ctl.err" \
    || fail "add_user failed: $(tail -n 3 "$dir/ctl.err")"
"$bin/rabbitmqctl" -q set_permissions -p "$vhost" "$user" '.*' '.*' '.*' >/dev/null
"$bin/rabbitmqctl" -q delete_user guest >/dev/null 2>&1 || true

# AMQP answers a protocol header with its connection.start frame (type 1): then clients can connect.
amqp_ready() {
    local reply
    reply="$( (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'AMQP\x00\x00\x09\x01' >&3 && timeout 2 head -c 1 <&3 | od -An -tx1) 2>/dev/null | tr -d ' ')"
    [ "$reply" = "01" ]
}
for _ in $(seq 1 60); do
    amqp_ready && break
    sleep 0.25
done
amqp_ready || fail "AMQP did not answer on 127.0.0.1:$port"

# rabbitmqctl for this node (the tests restart the broker application with it: stop_app, start_app).
{
    echo '#!/usr/bin/env bash'
    for name in HOME ERL_EPMD_PORT ERL_EPMD_ADDRESS RABBITMQ_NODENAME RABBITMQ_CONFIG_FILE RABBITMQ_ENABLED_PLUGINS_FILE \
        RABBITMQ_MNESIA_BASE RABBITMQ_LOG_BASE RABBITMQ_DIST_PORT RABBITMQ_PID_FILE RABBITMQ_CTL_ERL_ARGS; do
        printf 'export %s=%q\n' "$name" "${!name}"
    done
    printf 'exec %q "$@"\n' "$bin/rabbitmqctl"
} >"$dir/rabbitmqctl.sh"
chmod 700 "$dir/rabbitmqctl.sh"

{
    echo "COCREATION_RABBITMQ_URI='amqp://$user:$password@127.0.0.1:$port/$vhost'"
    echo "COCREATION_RABBITMQ_CTL='$dir/rabbitmqctl.sh'"
} >"$peers/rabbitmq.env"
chmod 600 "$peers/rabbitmq.env"
echo "[rabbitmq] amqp://127.0.0.1:$port/$vhost ready (epmd 127.0.0.1:$epmd_port); set-up took $((SECONDS - started)) s"
