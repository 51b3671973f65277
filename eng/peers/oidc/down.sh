#!/usr/bin/env bash
# Stops the OIDC peer that up.sh started.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../stop-by-pid.sh" oidc
