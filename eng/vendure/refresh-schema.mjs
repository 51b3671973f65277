// Writes the Admin API schema of a running Vendure (the peer of eng/peers/vendure) as an introspection result to
// tests/CoCreation.Sdk.Vendure.Tests/Specs/vendure-admin-schema.json, for the contract check of VendureDocuments.
// Usage: set -a; . "$COCREATION_PEERS_DIR/vendure.env"; set +a; node eng/vendure/refresh-schema.mjs
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const api = process.env.COCREATION_VENDURE_ADMIN_API;
const user = process.env.COCREATION_VENDURE_ADMIN_USER;
const password = process.env.COCREATION_VENDURE_ADMIN_PASSWORD;
if (!api || !user || !password) {
    console.error('Set COCREATION_VENDURE_ADMIN_API, _ADMIN_USER and _ADMIN_PASSWORD (eng/peers/vendure/up.sh writes them).');
    process.exit(2);
}

const typeRef = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }';
const inputValue = `name description type { ${typeRef} } defaultValue isDeprecated deprecationReason`;
const introspection = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types {
      kind name description specifiedByURL
      fields(includeDeprecated: true) { name description args(includeDeprecated: true) { ${inputValue} } type { ${typeRef} } isDeprecated deprecationReason }
      inputFields(includeDeprecated: true) { ${inputValue} }
      interfaces { ${typeRef} }
      enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
      possibleTypes { ${typeRef} }
    }
    directives { name description isRepeatable locations args(includeDeprecated: true) { ${inputValue} } }
  }
}`;

async function post(query, variables, token) {
    const response = await fetch(api, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
    });
    if (!response.ok) throw new Error(`${api} answered ${response.status}`);
    const body = await response.json();
    if (body.errors) throw new Error(body.errors.map(e => e.message).join('; '));
    return { body, token: response.headers.get('vendure-auth-token') };
}

const login = await post(
    'mutation($u: String!, $p: String!) { login(username: $u, password: $p) { __typename ... on ErrorResult { message } } }',
    { u: user, p: password });
if (login.body.data.login.__typename !== 'CurrentUser') throw new Error(`login refused: ${login.body.data.login.message}`);
const { body } = await post(introspection, {}, login.token);

// Stable output: types, fields and enum values sorted by name, so a refresh shows only real changes in a diff.
const byName = (a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
for (const type of body.data.__schema.types) {
    type.fields?.sort(byName);
    type.inputFields?.sort(byName);
    type.enumValues?.sort(byName);
    type.possibleTypes?.sort(byName);
}
body.data.__schema.types.sort(byName);
body.data.__schema.directives.sort(byName);

const target = fileURLToPath(new URL('../../tests/CoCreation.Sdk.Vendure.Tests/Specs/vendure-admin-schema.json', import.meta.url));
await writeFile(target, JSON.stringify({ data: body.data }, null, 1) + '\n');
console.log(`wrote ${body.data.__schema.types.length} types to ${target}`);
