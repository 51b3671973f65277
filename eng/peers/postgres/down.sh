#!/usr/bin/env bash
# Stops the PostgreSQL server that up.sh started (its cluster is made anew at the next start).
exec bash "$(dirname "${BASH_SOURCE[0]}")/../stop-by-pid.sh" postgres
