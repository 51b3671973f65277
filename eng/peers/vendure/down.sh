#!/usr/bin/env bash
# Stops the Vendure server that up.sh started (the next start makes a fresh database anyway).
exec bash "$(dirname "${BASH_SOURCE[0]}")/../stop-by-pid.sh" vendure
