// Vendure 3.7 for the CoCreation Vendure adapter's integration tests: SQLite, 127.0.0.1 only, a fresh store per start.
// Started by up.sh, which passes everything through the environment:
//   VENDURE_PORT, VENDURE_DATA_DIR (database, "ready" marker), VENDURE_SUPERADMIN_PASSWORD, VENDURE_COOKIE_SECRET,
//   COCREATION_VENDURE_WEBHOOK_SECRET (whsec_<base64>), COCREATION_VENDURE_WEBHOOK_URLS (comma-separated, may be empty).
// After start it sets the store up through the Admin API (KRW, Korea zone, 10 % tax included in prices, free shipping,
// a payment method that settles at once) and then writes the "ready" marker.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const {
    bootstrap, DefaultJobQueuePlugin, VendurePlugin, PluginCommonModule, EventBus, Allow, Ctx, Permission,
    PaymentMethodHandler, LanguageCode, OrderStateTransitionEvent, FulfillmentStateTransitionEvent,
    RefundStateTransitionEvent, PaymentStateTransitionEvent, StockMovementEvent, Logger,
} = require('@vendure/core');
const { Injectable, Inject } = require('@nestjs/common');
const { Resolver, Mutation, Query, Args } = require('@nestjs/graphql');
const gql = require('graphql-tag');

const env = (name, fallback) => {
    const value = process.env[name] ?? fallback;
    if (value === undefined) throw new Error(`${name} is not set`);
    return value;
};
const port = Number(env('VENDURE_PORT', '52600'));
const dataDir = env('VENDURE_DATA_DIR');
const superadminPassword = env('VENDURE_SUPERADMIN_PASSWORD');
const webhookSecret = env('COCREATION_VENDURE_WEBHOOK_SECRET');
const loggerCtx = 'CoCreationWebhooks';

// ---- Webhooks (Standard Webhooks signatures) --------------------------------------------------------------------

const secretBytes = Buffer.from(webhookSecret.replace(/^whsec_/, ''), 'base64');
if (secretBytes.length < 24) throw new Error('COCREATION_VENDURE_WEBHOOK_SECRET is too short');

function sign(id, timestamp, body) {
    const mac = crypto.createHmac('sha256', secretBytes).update(`${id}.${timestamp}.${body}`).digest('base64');
    return `v1,${mac}`;
}

// Only loopback receivers: this peer is a test fixture, and a registered URL must not make it call out anywhere else.
function checkReceiver(url) {
    let parsed;
    try { parsed = new URL(url); } catch { throw new Error('not an absolute URL'); }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('only http and https URLs');
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) throw new Error('only loopback receivers');
    return parsed.toString();
}

class CoCreationWebhookService {
    constructor(eventBus) {
        this.eventBus = eventBus;
        this.urls = new Set();
        for (const url of (process.env.COCREATION_VENDURE_WEBHOOK_URLS ?? '').split(',').map(u => u.trim()).filter(Boolean)) {
            this.urls.add(checkReceiver(url));
        }
    }

    register(url) {
        const checked = checkReceiver(url);
        if (this.urls.size >= 50 && !this.urls.has(checked)) throw new Error('too many receivers');
        this.urls.add(checked);
        return true;
    }

    unregister(url) {
        return this.urls.delete(checkReceiver(url));
    }

    onApplicationBootstrap() {
        const on = (type, name, describe) => this.eventBus.ofType(type).subscribe(event => {
            this.deliver(name, describe(event)).catch(err => Logger.error(`delivery failed: ${err.message}`, loggerCtx));
        });
        on(OrderStateTransitionEvent, 'order.state_transition', e => ({
            orderId: String(e.order.id), orderCode: e.order.code, fromState: e.fromState, toState: e.toState,
        }));
        on(PaymentStateTransitionEvent, 'payment.state_transition', e => ({
            orderId: String(e.order.id), paymentId: String(e.payment.id), fromState: e.fromState, toState: e.toState,
        }));
        on(FulfillmentStateTransitionEvent, 'fulfillment.state_transition', e => ({
            fulfillmentId: String(e.fulfillment.id), trackingCode: e.fulfillment.trackingCode ?? null,
            method: e.fulfillment.method ?? null, fromState: e.fromState, toState: e.toState,
        }));
        on(RefundStateTransitionEvent, 'refund.state_transition', e => ({
            orderId: String(e.order.id), refundId: String(e.refund.id), total: e.refund.total,
            fromState: e.fromState, toState: e.toState,
        }));
        on(StockMovementEvent, 'stock.movement', e => ({
            movements: e.stockMovements.map(m => ({
                id: String(m.id), type: m.type, quantity: m.quantity, productVariantId: String(m.productVariant?.id ?? m.productVariantId ?? ''),
            })),
        }));
    }

    async deliver(type, data) {
        if (this.urls.size === 0) return;
        const id = `msg_${crypto.randomUUID()}`;
        const timestamp = Math.floor(Date.now() / 1000).toString();
        const body = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
        const headers = {
            'content-type': 'application/json',
            'webhook-id': id,
            'webhook-timestamp': timestamp,
            'webhook-signature': sign(id, timestamp, body),
        };
        await Promise.all([...this.urls].map(async url => {
            try {
                const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });
                if (!response.ok) Logger.warn(`${url} answered ${response.status} to ${type}`, loggerCtx);
            } catch (err) {
                Logger.warn(`${url} could not be reached for ${type}: ${err.message}`, loggerCtx);
            }
        }));
    }
}
Inject(EventBus)(CoCreationWebhookService, undefined, 0);
Injectable()(CoCreationWebhookService);

// Admin API: registerCoCreationWebhook(url) / unregisterCoCreationWebhook(url), SuperAdmin only.
class CoCreationWebhookResolver {
    constructor(service) { this.service = service; }
    registerCoCreationWebhook(ctx, args) { return this.service.register(args.url); }
    unregisterCoCreationWebhook(ctx, args) { return this.service.unregister(args.url); }
    coCreationWebhooks(ctx) { return [...this.service.urls]; }
}
Inject(CoCreationWebhookService)(CoCreationWebhookResolver, undefined, 0);
for (const [name, kind, hasUrl] of [
    ['registerCoCreationWebhook', Mutation, true],
    ['unregisterCoCreationWebhook', Mutation, true],
    ['coCreationWebhooks', Query, false],
]) {
    const proto = CoCreationWebhookResolver.prototype;
    Ctx()(proto, name, 0);
    if (hasUrl) Args()(proto, name, 1);
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    Allow(Permission.SuperAdmin)(proto, name, descriptor);
    kind()(proto, name, descriptor);
    Object.defineProperty(proto, name, descriptor);
}
Resolver()(CoCreationWebhookResolver);

class CoCreationWebhookPlugin {}
VendurePlugin({
    imports: [PluginCommonModule],
    providers: [CoCreationWebhookService],
    adminApiExtensions: {
        schema: gql`
            extend type Mutation {
                "Adds a loopback URL that receives the signed event POSTs of this test store (SuperAdmin only)."
                registerCoCreationWebhook(url: String!): Boolean!
                "Removes a URL added by registerCoCreationWebhook (SuperAdmin only)."
                unregisterCoCreationWebhook(url: String!): Boolean!
            }
            extend type Query {
                "The URLs that receive the signed event POSTs (SuperAdmin only)."
                coCreationWebhooks: [String!]!
            }
        `,
        resolvers: [CoCreationWebhookResolver],
    },
    compatibility: '^3.0.0',
})(CoCreationWebhookPlugin);

// ---- Payment: settles at once, refunds settle at once -----------------------------------------------------------

const dummyPayment = new PaymentMethodHandler({
    code: 'cocreation-settled',
    description: [{ languageCode: LanguageCode.en, value: 'CoCreation test payment (settles at once)' }],
    args: {},
    createPayment: (ctx, order, amount, args, metadata) => ({
        amount, state: 'Settled', transactionId: `pay-${crypto.randomUUID()}`, metadata: { public: metadata ?? {} },
    }),
    settlePayment: () => ({ success: true }),
    createRefund: (ctx, input, amount) => ({ state: 'Settled', transactionId: `refund-${crypto.randomUUID()}` }),
});

// ---- Server -------------------------------------------------------------------------------------------------------

const config = {
    apiOptions: { hostname: '127.0.0.1', port, adminApiPath: 'admin-api', shopApiPath: 'shop-api' },
    authOptions: {
        tokenMethod: ['bearer', 'cookie'],
        superadminCredentials: { identifier: 'superadmin', password: superadminPassword },
        cookieOptions: { secret: env('VENDURE_COOKIE_SECRET') },
        requireVerification: false,
    },
    dbConnectionOptions: {
        type: 'better-sqlite3',
        database: path.join(dataDir, 'vendure.sqlite'),
        synchronize: true, // a fresh database per start: the schema is created from the entities
        logging: false,
    },
    paymentOptions: { paymentMethodHandlers: [dummyPayment] },
    // What the CoCreation adapter keeps on a variant for inventory (docs/providers/vendure.md, "Inventory"): the low-stock
    // threshold, how many alerts were raised and whether the next one is armed, and the intakes already booked.
    customFields: {
        ProductVariant: [
            { name: 'cocreationLowStockThreshold', type: 'int', nullable: true, public: false },
            { name: 'cocreationLowStockAlerts', type: 'int', nullable: false, defaultValue: 0, public: false },
            { name: 'cocreationLowStockArmed', type: 'boolean', nullable: false, defaultValue: true, public: false },
            { name: 'cocreationIntakeKeys', type: 'text', nullable: true, public: false },
        ],
    },
    plugins: [DefaultJobQueuePlugin.init({ pollInterval: 200 }), CoCreationWebhookPlugin],
};

async function admin(token, query, variables) {
    const response = await fetch(`http://127.0.0.1:${port}/admin-api`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors) throw new Error(`store set-up: ${JSON.stringify(body.errors)}`);
    return { data: body.data, token: response.headers.get('vendure-auth-token') };
}

async function setUpStore() {
    const login = await admin(null,
        'mutation($p: String!) { login(username: "superadmin", password: $p) { __typename ... on CurrentUser { id } } }',
        { p: superadminPassword });
    const token = login.token;
    const q = (query, variables) => admin(token, query, variables).then(r => r.data);
    const en = value => [{ languageCode: 'en', name: value }];

    const country = await q('mutation($i: CreateCountryInput!) { createCountry(input: $i) { id } }',
        { i: { code: 'KR', translations: en('Republic of Korea'), enabled: true } });
    const zone = await q('mutation($i: CreateZoneInput!) { createZone(input: $i) { id } }',
        { i: { name: 'Korea', memberIds: [country.createCountry.id] } });
    const zoneId = zone.createZone.id;
    const category = await q('mutation($i: CreateTaxCategoryInput!) { createTaxCategory(input: $i) { id } }',
        { i: { name: 'Standard (VAT 10 %)', isDefault: true } });
    await q('mutation($i: CreateTaxRateInput!) { createTaxRate(input: $i) { id } }',
        { i: { name: 'VAT 10 %', enabled: true, value: 10, categoryId: category.createTaxCategory.id, zoneId } });
    const channel = await q('{ activeChannel { id } }');
    await q('mutation($i: UpdateChannelInput!) { updateChannel(input: $i) { __typename } }', {
        i: {
            id: channel.activeChannel.id, defaultTaxZoneId: zoneId, defaultShippingZoneId: zoneId, pricesIncludeTax: true,
            defaultCurrencyCode: 'KRW', availableCurrencyCodes: ['KRW'], defaultLanguageCode: 'en', availableLanguageCodes: ['en'],
        },
    });
    await q('mutation($i: CreateShippingMethodInput!) { createShippingMethod(input: $i) { id } }', {
        i: {
            code: 'free-shipping', fulfillmentHandler: 'manual-fulfillment',
            translations: [{ languageCode: 'en', name: 'Free shipping', description: 'Free shipping in Korea' }],
            checker: { code: 'default-shipping-eligibility-checker', arguments: [{ name: 'orderMinimum', value: '0' }] },
            calculator: {
                code: 'default-shipping-calculator',
                arguments: [
                    { name: 'rate', value: '0' }, { name: 'includesTax', value: 'include' }, { name: 'taxRate', value: '0' },
                ],
            },
        },
    });
    await q('mutation($i: CreatePaymentMethodInput!) { createPaymentMethod(input: $i) { id } }', {
        i: {
            code: 'cocreation-settled', enabled: true,
            translations: [{ languageCode: 'en', name: 'Settled at once', description: 'Test payment' }],
            handler: { code: 'cocreation-settled', arguments: [] },
        },
    });
}

bootstrap(config)
    .then(() => setUpStore())
    .then(() => {
        fs.writeFileSync(path.join(dataDir, 'ready'), new Date().toISOString());
        console.log('vendure ready');
    })
    .catch(err => { console.error(err); process.exit(1); });
