// OpenID Connect provider for the e-legitimation tests: loopback only, never deployed.
//
// Started by the pytest fixture in src/sambruk/core/accounts/tests/conftest_eleg.py:
//   PORT=<port> REDIRECT_URIS=<uri,uri> node tests/oidc_provider/provider.mjs
// Prints "READY <issuer>" when it listens. Issues the Swedish OIDC claims (oidc-sweden
// "Claims and Scopes" 1.0) for three fixed test accounts. PKCE (S256) is required.
// The login page is a plain form (pick an account); consent is granted automatically.
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const PORT = Number(process.env.PORT || 0);
const HOST = '127.0.0.1';
const ISSUER = `http://${HOST}:${PORT}`;
const REDIRECT_URIS = (process.env.REDIRECT_URIS || '').split(',').filter(Boolean);
const SECRET = process.env.CLIENT_SECRET || 'test-secret-sambruk';
const PNR = 'https://id.oidc.se/claim/personalIdentityNumber';
const COORD = 'https://id.oidc.se/claim/coordinationNumber';
const NATURAL_PERSON_NUMBER = 'https://id.oidc.se/scope/naturalPersonNumber';
const SIGN_REQUEST = 'https://id.oidc.se/param/signRequest';
const LOA3 = 'http://id.elegnamnden.se/loa/1.0/loa3';

// Skatteverket's test number 19121212-1212; a valid samordningsnummer; an account without one.
const ACCOUNTS = {
  tolvan: { [PNR]: '191212121212', given_name: 'Tolvan', family_name: 'Tolvansson', name: 'Tolvan Tolvansson' },
  samordnare: { [COORD]: '197010632391', given_name: 'Sam', family_name: 'Samordnare', name: 'Sam Samordnare' },
  'utan-nummer': { given_name: 'Anna', family_name: 'Anonym', name: 'Anna Anonym' },
};

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key-1', use: 'sig', alg: 'RS256' };

const client = (id) => ({
  client_id: id,
  client_secret: SECRET,
  redirect_uris: REDIRECT_URIS,
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
});

const provider = new Provider(ISSUER, {
  clients: [client('sambruk'), client('annan-tjanst')],
  jwks: { keys: [signingKey] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  claims: {
    openid: ['sub'],
    profile: ['given_name', 'family_name', 'name'],
    [NATURAL_PERSON_NUMBER]: [PNR, COORD],
  },
  acrValues: [LOA3],
  extraParams: [SIGN_REQUEST],
  conformIdTokenClaims: false,
  async findAccount(_ctx, sub) {
    if (!ACCOUNTS[sub]) return undefined;
    return { accountId: sub, async claims() { return { sub, ...ACCOUNTS[sub] }; } };
  },
  async loadExistingGrant(ctx) {
    // Consent is automatic: every requested scope and claim is granted.
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(ctx.oidc.params.scope || 'openid');
    grant.addOIDCClaims([PNR, COORD, 'given_name', 'family_name', 'name']);
    await grant.save();
    return grant;
  },
});

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'POST' && match[2]) {
    const form = await readForm(ctx.req);
    const account = form.get('account');
    if (!ACCOUNTS[account]) {
      ctx.status = 400;
      ctx.body = 'unknown account';
      return undefined;
    }
    return provider.interactionFinished(ctx.req, ctx.res, {
      login: { accountId: account, acr: LOA3, amr: ['pwd'] },
    }, { mergeWithLastSubmission: false });
  }
  if (details.prompt.name !== 'login') {
    return provider.interactionFinished(ctx.req, ctx.res, { consent: {} }, { mergeWithLastSubmission: true });
  }
  const signRequest = details.params[SIGN_REQUEST] || '';
  const options = Object.keys(ACCOUNTS).map((a) => `<label><input type="radio" name="account" value="${a}"> ${a}</label>`).join('\n');
  ctx.type = 'html';
  ctx.body = `<!doctype html><title>Test-IdP</title>
<form method="post" action="/interaction/${escape(details.uid)}/login">
<p id="sign-request">${escape(signRequest)}</p>
${options}
<button type="submit">Logga in</button></form>`;
  return undefined;
});

const server = provider.listen(PORT, HOST, () => {
  const { port } = server.address();
  process.stdout.write(`READY http://${HOST}:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
