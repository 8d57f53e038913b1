// A real OpenID Connect provider (panva's oidc-provider) for the tests.
// Usage: node tests/oidc/provider.mjs CONFIG.json   (written by tests/oidc_provider.py)
// Everything - keys, sessions, grants - lives in memory and dies with the process.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider, { errors } from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const { issuer, port, client, accounts, jwks, audience } = config;
const accessTokenAlg = config.access_token_alg;

// Resource indicators must be absolute URIs, audiences need not be ("keywork-api").
const resource = URL.canParse(audience) ? audience : `urn:keywork:resource:${audience}`;

const claimsOf = (accountId) => (Object.hasOwn(accounts, accountId) ? accounts[accountId] : {});

const provider = new Provider(issuer, {
  clients: [{
    ...client,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks,
  responseTypes: ['code'],
  pkce: { required: () => true },
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  scopes: ['openid'],
  claims: {
    openid: ['sub'],
    email: ['email'],
    roles: ['roles', 'area', 'team'],
  },
  // The relying party reads the person's claims from the ID token, not from userinfo.
  conformIdTokenClaims: false,
  // Any login name signs in (devInteractions); only those in `accounts` get claims beyond sub.
  async findAccount(ctx, sub) {
    return { accountId: sub, claims: async () => ({ sub, ...claimsOf(sub) }) };
  },
  extraTokenClaims(ctx, token) {
    if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
    const scopes = new Set(token.scope?.split(' '));
    const { email, roles, area, team } = claimsOf(token.accountId);
    return {
      ...(scopes.has('email') ? { email } : {}),
      ...(scopes.has('roles') ? { roles, area, team } : {}),
    };
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    pushedAuthorizationRequests: { enabled: false },
    dPoP: { enabled: false },
    // Without a `resource` parameter the code flow would give an opaque token for userinfo;
    // defaulting to the API's resource makes the access token a JWT for the API instead.
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo(ctx, indicator) {
        if (indicator !== resource) throw new errors.InvalidTarget();
        return {
          scope: 'openid email roles',
          audience,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: accessTokenAlg } },
        };
      },
    },
  },
  // Not secure-only: ctx.secure is false over plain http, so the cookies work on 127.0.0.1.
  cookies: { keys: [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')] },
  ttl: {
    AccessToken: 3600,
    IdToken: 3600,
    Interaction: 3600,
    Session: 86400,
    Grant: 86400,
  },
});

for (const event of ['server_error', 'authorization.error', 'grant.error', 'end_session.error']) {
  provider.on(event, (ctx, error) => console.error(`${event}: ${error.message} ${error.error_description ?? ''}`));
}

const server = provider.listen(port, '127.0.0.1', () => console.log(`listening ${issuer}`));

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
