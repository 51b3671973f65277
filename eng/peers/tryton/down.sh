#!/usr/bin/env bash
# Stops the Tryton server (its database stays for the next run) that up.sh started.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../stop-by-pid.sh" tryton
