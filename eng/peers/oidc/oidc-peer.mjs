// OpenID Connect provider peer: panva's oidc-provider over HTTPS on 127.0.0.1, for the Microsoft 365 adapter's
// MSAL tests. Everything secret (client secrets, signing keys) is made fresh by up.sh / at start; nothing is fixed.
//
// Clients (ids and secrets come from the environment up.sh sets):
//   OIDC_SECRET_CLIENT_ID / OIDC_SECRET_CLIENT_SECRET  client credentials, client_secret_post (MSAL's secret)
//   OIDC_CERT_CLIENT_ID + OIDC_CLIENT_CERT_PEM         client credentials, private_key_jwt with the certificate's key
//   OIDC_WEB_CLIENT_ID / OIDC_WEB_CLIENT_SECRET        authorization code + PKCE (S256 required), refresh tokens
//   OIDC_REDIRECT_URI                                  the web client's only redirect address
// Access tokens are JWTs for the resource OIDC_AUDIENCE (resource indicators), signed RS256, except for the
// certificate client, whose tokens are signed ES256, so that both verification paths meet real tokens.
import Provider from 'oidc-provider';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';

const need = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`oidc peer: ${name} is not set`);
    process.exit(2);
  }
  return value;
};

const port = Number(process.env.OIDC_PORT ?? 52590);
const issuer = `https://127.0.0.1:${port}`;
const audience = need('OIDC_AUDIENCE');
const resourceScopes = need('OIDC_RESOURCE_SCOPES');
const redirectUri = need('OIDC_REDIRECT_URI');

// The certificate client's public key, as a JWK whose kid is the certificate's SHA-1 thumbprint (base64url),
// which is what MSAL puts in the client assertion's x5t (and kid) header.
const clientCert = new crypto.X509Certificate(fs.readFileSync(need('OIDC_CLIENT_CERT_PEM')));
const thumbprint = Buffer.from(clientCert.fingerprint.replaceAll(':', ''), 'hex').toString('base64url');
const clientJwk = { ...clientCert.publicKey.export({ format: 'jwk' }), use: 'sig', x5t: thumbprint };

// Fresh signing keys per start: RS256 and ES256.
const signingKey = (type, options, kid) => ({
  ...crypto.generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' }),
  kid,
  use: 'sig',
});
const jwks = {
  keys: [
    signingKey('rsa', { modulusLength: 2048 }, `rs-${crypto.randomBytes(6).toString('hex')}`),
    signingKey('ec', { namedCurve: 'P-256' }, `es-${crypto.randomBytes(6).toString('hex')}`),
  ],
};

const certClientId = need('OIDC_CERT_CLIENT_ID');

const provider = new Provider(issuer, {
  jwks,
  clients: [
    {
      client_id: need('OIDC_SECRET_CLIENT_ID'),
      client_secret: need('OIDC_SECRET_CLIENT_SECRET'),
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
    {
      client_id: certClientId,
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [clientJwk] },
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    },
    {
      client_id: need('OIDC_WEB_CLIENT_ID'),
      client_secret: need('OIDC_WEB_CLIENT_SECRET'),
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [redirectUri],
    },
  ],
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: true }, // the built-in login and consent pages; this peer is for tests only
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (ctx, resource, client) => {
        if (resource !== audience) {
          throw new Error(`unknown resource ${resource}`);
        }
        return {
          scope: resourceScopes,
          audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 3600,
          jwt: { sign: { alg: client?.clientId === certClientId ? 'ES256' : 'RS256' } },
        };
      },
    },
  },
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email'] },
  findAccount: async (ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub, name: `User ${sub}`, preferred_username: `${sub}@example.test`, email: `${sub}@example.test` }),
  }),
  pkce: { required: () => true },
  // A refresh token for every code grant that asked for offline_access, without a second consent prompt.
  issueRefreshToken: async (ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  ttl: { AccessToken: 3600, ClientCredentials: 3600, AuthorizationCode: 120, IdToken: 3600, RefreshToken: 86400, Interaction: 600, Session: 3600, Grant: 86400 },
});

// The client assertion's header (alg, kid, x5t: nothing secret), to tell why a certificate client was refused.
const assertionHeader = (ctx) => {
  try {
    const assertion = ctx.oidc.params?.client_assertion;
    return assertion ? ` assertion header ${Buffer.from(assertion.split('.')[0], 'base64url').toString()} payload ${Buffer.from(assertion.split('.')[1], 'base64url').toString()}` : '';
  } catch {
    return '';
  }
};

// Every token request, for the log (no secrets: the grant type and client id only).
provider.on('grant.success', (ctx) => console.log(`token issued: ${ctx.oidc.params.grant_type} for ${ctx.oidc.client?.clientId}`));
provider.on('grant.error', (ctx, error) => console.log(`token refused: ${ctx.oidc.params?.grant_type} for ${ctx.oidc.client?.clientId ?? '?'}: ${error.message} (${error.error_detail ?? error.error_description ?? ''}${error.cause ? `; ${error.cause.message}` : ''})${assertionHeader(ctx)}`));

const server = https
  .createServer({ cert: fs.readFileSync(need('OIDC_TLS_CERT')), key: fs.readFileSync(need('OIDC_TLS_KEY')) }, provider.callback())
  .listen(port, '127.0.0.1', () => console.log(`oidc peer ${issuer} ready`));

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
