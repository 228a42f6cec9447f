// The JSON schemas of the admin API's routes: what each body, querystring may hold, with bounds
// (lengths, counts) so a hostile body is refused before a handler walks it. Fastify checks them
// (ajv, no type coercion, nothing silently removed: see http/app.ts) and a failure is a 400
// naming the field (http/schema-refusal.ts). What a schema cannot say (a URL that is a Worker's, a
// budget's family, a fingerprint that matches a key) the handlers still check.
import { SORTS } from '../admin-views';

/** A key fingerprint as the API shows it (`…abcd#12ab34`), with room to spare. */
const fingerprint = { type: 'string', maxLength: 64 } as const;
/** Most fingerprints one call may name: far above any real pool. */
export const MAX_SELECTED_KEYS = 100_000;
/** Largest pasted text: 100,000 lines of Google keys and their comments. */
export const MAX_PASTE_CHARS = 8 * 1024 * 1024;
/** A Worker URL: long enough for any real host and path. */
const MAX_URL_CHARS = 2048;

export const KEY_STATES = ['all', 'ok', 'cooling', 'disabled'] as const;

/** `{"keys": [fingerprints]}` or `{"state": "..."}`, and the fields an action adds. */
const selection = (extra: Record<string, object> = {}) =>
  ({
    type: 'object',
    additionalProperties: false,
    properties: {
      keys: { type: 'array', maxItems: MAX_SELECTED_KEYS, items: fingerprint },
      state: { type: 'string', enum: KEY_STATES },
      ...extra,
    },
  }) as const;

/** A whole number in a querystring (range checked by the handler, which names the bounds). */
const wholeNumber = { type: 'string', pattern: '^[0-9]{1,10}$' } as const;

export const schemas = {
  reset: {
    body: { type: 'object', additionalProperties: false, properties: { key: fingerprint } },
    querystring: { type: 'object', properties: { fingerprint } },
  },
  usage: { querystring: { type: 'object', properties: { days: wholeNumber } } },
  budgets: {
    body: {
      type: 'object',
      additionalProperties: false,
      properties: {
        defaults: { type: 'object', maxProperties: 32 },
        perKey: { type: 'object', maxProperties: MAX_SELECTED_KEYS, propertyNames: { maxLength: 64 } },
      },
    },
  },
  listKeys: {
    querystring: {
      type: 'object',
      properties: {
        state: { type: 'string', enum: KEY_STATES },
        sort: { type: 'string', enum: SORTS },
        order: { type: 'string', enum: ['asc', 'desc'] },
        offset: wholeNumber,
        limit: wholeNumber,
        q: { type: 'string', maxLength: 1000 },
      },
    },
  },
  addKeys: {
    body: {
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              text: { type: 'string', maxLength: MAX_PASTE_CHARS },
              keys: { type: 'array', maxItems: MAX_SELECTED_KEYS, items: { type: 'string', maxLength: 1024 } },
            },
          },
        },
        'text/plain': { schema: { type: 'string', maxLength: MAX_PASTE_CHARS } },
      },
    },
  },
  select: { body: selection() },
  disable: { body: selection({ note: { type: 'string', maxLength: 1000 } }) },
  clearCooldown: { body: selection({ model: { type: 'string', minLength: 1, maxLength: 256 } }) },
  addUpstream: {
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: { url: { type: 'string', maxLength: MAX_URL_CHARS }, secret: { type: 'string', nullable: true, maxLength: 500 } },
    },
  },
  deleteUpstream: {
    body: { type: 'object', additionalProperties: false, required: ['url'], properties: { url: { type: 'string', maxLength: MAX_URL_CHARS } } },
  },
  addClient: { body: { type: 'object', additionalProperties: false, properties: { label: { type: 'string', maxLength: 1000 } } } },
  revokeClient: { body: { type: 'object', additionalProperties: false, required: ['key'], properties: { key: { ...fingerprint, minLength: 1 } } } },
} as const;

/** What each route's refusal adds to the field's problem: the body it expects. */
export const hints = {
  addKeys: 'Send the keys as {"text": "one key per line"}, {"keys": ["...", ...]} or a text/plain body.',
  select: 'Name the keys: {"keys": ["…abcd#12ab34", ...]} or {"state": "all" | "ok" | "cooling" | "disabled"}.',
  addUpstream: 'Send {"url": "https://your-worker.workers.dev", "secret": "optional"}.',
  deleteUpstream: 'Send {"url": "<an upstream as listed by GET /admin/upstreams>"}.',
  addClient: 'Send {"label": "a name for whoever uses the key"} (or no body).',
  revokeClient: 'Send {"key": "<client key fingerprint>"}.',
  budgets: 'Send {"defaults": {"pro": 50, ...}, "perKey": {"<fingerprint>": {...}}}.',
} as const;
