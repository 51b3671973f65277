#!/usr/bin/env bash
# OpenID Connect peer: panva's oidc-provider (a certified OpenID Connect provider) over HTTPS on 127.0.0.1 with a
# self-signed certificate, bounded by `timeout`. The Microsoft 365 adapter's MSAL tests sign in here through MSAL's
# generic OIDC authority and trust the certificate only through the HttpClient they hand MSAL.
#
# Writes $COCREATION_PEERS_DIR/oidc.env with:
#   COCREATION_OIDC_ISSUER               the issuer (https://127.0.0.1:<port>), also the MSAL authority
#   COCREATION_OIDC_CA_CERT              the provider's self-signed TLS certificate (PEM) to trust
#   COCREATION_OIDC_AUDIENCE             the audience (aud) of every access token
#   COCREATION_OIDC_SCOPE                the scope a confidential client asks for
#   COCREATION_OIDC_CLIENT_ID            client credentials client, authenticated by a secret ...
#   COCREATION_OIDC_CLIENT_SECRET        ... new on every start
#   COCREATION_OIDC_CERT_CLIENT_ID       client credentials client, authenticated by a certificate (private_key_jwt)
#   COCREATION_OIDC_CLIENT_CERT          that client's certificate and private key (PKCS#12) ...
#   COCREATION_OIDC_CLIENT_CERT_PASSWORD ... and its password, new on every start
#   COCREATION_OIDC_WEB_CLIENT_ID        authorization code + PKCE client ...
#   COCREATION_OIDC_WEB_CLIENT_SECRET    ... its secret, new on every start
#   COCREATION_OIDC_REDIRECT_URI         ... and its redirect address (nothing listens there; tests read the code from it)
#
# Variables: COCREATION_PEERS_DIR (required), COCREATION_PEERS_TTL (seconds the server may live, default 3600),
# COCREATION_OIDC_PORT (default 52590).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
peers_dir="${COCREATION_PEERS_DIR:?set COCREATION_PEERS_DIR to a scratch folder}"
ttl="${COCREATION_PEERS_TTL:-3600}"
port="${COCREATION_OIDC_PORT:-52590}"
provider_version="9.13.3"
work="$peers_dir/oidc"
pid_file="$peers_dir/oidc.pid"
env_file="$peers_dir/oidc.env"
issuer="https://127.0.0.1:$port"

mkdir -p "$work"
command -v node >/dev/null || { echo "oidc: node is not installed (Node 20 or later is needed)" >&2; exit 1; }
command -v openssl >/dev/null || { echo "oidc: openssl is not installed" >&2; exit 1; }
command -v curl >/dev/null || { echo "oidc: curl is not installed" >&2; exit 1; }

if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "oidc: already running (PID $(cat "$pid_file")); stopping it first"
    bash "$here/down.sh"
fi

if curl -sk -o /dev/null --max-time 2 "https://127.0.0.1:$port/" || curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
    echo "oidc: port $port on 127.0.0.1 is taken by another process" >&2
    exit 1
fi

install_started=$SECONDS
if [ "$(node -p "try { require('$work/node_modules/oidc-provider/package.json').version } catch { '' }")" != "$provider_version" ]; then
    echo "oidc: installing oidc-provider@$provider_version"
    [ -f "$work/package.json" ] || printf '{ "name": "cocreation-oidc-peer", "private": true, "type": "module" }\n' >"$work/package.json"
    (cd "$work" && timeout 600 npm install --no-audit --no-fund --loglevel=error --save-exact "oidc-provider@$provider_version")
else
    echo "oidc: reusing the installed oidc-provider@$provider_version"
fi
echo "oidc: install took $((SECONDS - install_started)) s"

cp "$here/oidc-peer.mjs" "$work/oidc-peer.mjs"
random() { openssl rand -hex "$1"; }

# TLS: a self-signed certificate for 127.0.0.1 (the tests trust exactly this one).
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$work/tls-key.pem" -out "$work/tls-cert.pem" 2>/dev/null
# The certificate client's credential: a certificate whose public key the provider registers (private_key_jwt).
cert_password="$(random 16)"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=cocreation-msal-test" \
    -keyout "$work/client-key.pem" -out "$work/client-cert.pem" 2>/dev/null
openssl pkcs12 -export -inkey "$work/client-key.pem" -in "$work/client-cert.pem" -out "$work/client.pfx" \
    -passout "pass:$cert_password"
rm -f "$work/client-key.pem"

secret_client_id="m2m-$(random 4)"
secret_client_secret="$(random 24)"
cert_client_id="m2m-cert-$(random 4)"
web_client_id="web-$(random 4)"
web_client_secret="$(random 24)"
redirect_uri="http://127.0.0.1:$port/never-served/callback"
audience="https://graph.microsoft.com"
scope="https://graph.microsoft.com/.default"
resource_scopes="$scope https://graph.microsoft.com/Files.ReadWrite.All https://graph.microsoft.com/Calendars.ReadWrite https://graph.microsoft.com/User.Read"

start_started=$SECONDS
(
    cd "$work"
    export OIDC_PORT="$port" OIDC_TLS_CERT="$work/tls-cert.pem" OIDC_TLS_KEY="$work/tls-key.pem" \
        OIDC_AUDIENCE="$audience" OIDC_RESOURCE_SCOPES="$resource_scopes" OIDC_REDIRECT_URI="$redirect_uri" \
        OIDC_SECRET_CLIENT_ID="$secret_client_id" OIDC_SECRET_CLIENT_SECRET="$secret_client_secret" \
        OIDC_CERT_CLIENT_ID="$cert_client_id" OIDC_CLIENT_CERT_PEM="$work/client-cert.pem" \
        OIDC_WEB_CLIENT_ID="$web_client_id" OIDC_WEB_CLIENT_SECRET="$web_client_secret"
    exec timeout "$ttl" node oidc-peer.mjs >"$work/oidc.log" 2>&1
) &
echo $! >"$pid_file"

ready=0
for _ in $(seq 1 120); do
    if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
        break
    fi
    if curl -sf --max-time 2 --cacert "$work/tls-cert.pem" "$issuer/.well-known/openid-configuration" >/dev/null; then
        ready=1
        break
    fi
    sleep 0.25
done
if [ "$ready" -ne 1 ]; then
    echo "oidc: the provider did not become ready; last log lines:" >&2
    tail -n 30 "$work/oidc.log" >&2 || true
    bash "$here/down.sh" || true
    exit 1
fi
echo "oidc: start took $((SECONDS - start_started)) s"

cat >"$env_file" <<ENV
COCREATION_OIDC_ISSUER=$issuer
COCREATION_OIDC_CA_CERT=$work/tls-cert.pem
COCREATION_OIDC_AUDIENCE=$audience
COCREATION_OIDC_SCOPE=$scope
COCREATION_OIDC_CLIENT_ID=$secret_client_id
COCREATION_OIDC_CLIENT_SECRET=$secret_client_secret
COCREATION_OIDC_CERT_CLIENT_ID=$cert_client_id
COCREATION_OIDC_CLIENT_CERT=$work/client.pfx
COCREATION_OIDC_CLIENT_CERT_PASSWORD=$cert_password
COCREATION_OIDC_WEB_CLIENT_ID=$web_client_id
COCREATION_OIDC_WEB_CLIENT_SECRET=$web_client_secret
COCREATION_OIDC_REDIRECT_URI=$redirect_uri
ENV
echo "oidc: $issuer, PID $(cat "$pid_file"); variables in $env_file"
