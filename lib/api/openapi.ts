// GET /api/openapi.json: an OpenAPI 3.1 document generated from the REST contract
// (lib/api/contract.ts), the same entries the handlers are built from: inputs from the zod schemas
// they validate with, the success status httpHandler() answers with, the response shapes and the
// problem statuses. test/integration/api-contract.test.ts checks real answers against it.
import { z } from 'zod';
import { API_ROUTES, type HttpRoute } from '../routes';
import { API } from './contract';

interface AnyContract {
  readonly auth: 'none' | 'operator' | 'installer' | 'account';
  readonly action: string;
  readonly body?: z.ZodType;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly status: number;
  readonly response?: z.ZodType;
  readonly problems?: readonly number[];
  readonly idempotencyKey?: boolean;
  readonly conditional?: boolean;
  readonly media?: readonly string[];
  readonly bodyMedia?: string;
}

/** The contract of a route-table row; undefined for a row without one (a unit test forbids that). */
export function contractOf(route: Pick<HttpRoute, 'method' | 'path'>): AnyContract | undefined {
  return (API as Record<string, AnyContract>)[`${route.method} ${route.path}`];
}

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const propertiesOf = (schema: z.ZodType | undefined) => (schema ? ((jsonSchema(schema, 'input').properties ?? {}) as Record<string, Record<string, unknown>>) : {});

const PROBLEM_TITLES: Record<number, string> = {
  400: 'The request is invalid; `errors` names each field',
  401: 'Missing, wrong or expired credentials',
  403: 'Not allowed; the detail says why (and what is missing)',
  404: 'Not found, or not yours',
  409: 'Conflicts with the current state',
  410: 'The link has expired or was revoked; the detail says whom to ask for a new one',
  413: 'The request body is too large (10 MB, or the route\'s own limit the detail names)',
  422: 'The request is well-formed but what it says does not hold; `errors` names the field',
  423: 'The project has been handed over and is locked',
  429: 'Too many attempts; see Retry-After',
  503: 'A dependency is unavailable; try again',
};

/** The problem statuses a route can answer: from its inputs and auth, plus what its contract adds. */
export function problemStatuses(c: AnyContract): number[] {
  const statuses = new Set<number>(c.problems ?? []);
  if (c.body || c.params || c.query) statuses.add(400);
  if (c.auth !== 'none') statuses.add(401);
  // The role × action check (lib/domain/access.ts): a key or role without the route's action gets 403.
  if (c.auth === 'operator') statuses.add(403);
  if (c.params) statuses.add(404);
  if (c.body) statuses.add(413);
  return [...statuses].sort();
}

function operation(route: HttpRoute, c: AnyContract) {
  const pathProps = propertiesOf(c.params);
  const params = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1]!, in: 'path', required: true, schema: pathProps[m[1]!] ?? { type: 'string' } }));
  const query = Object.entries(propertiesOf(c.query)).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
  const problem = (status: number) => ({ description: PROBLEM_TITLES[status] ?? 'Problem details', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
  return {
    summary: route.description,
    operationId: route.entry.replace(/^functions\/api\//, '').replace(/\.ts$/, '').replace(/[/-](\w)/g, (_m, ch: string) => ch.toUpperCase()),
    tags: [route.path.split('/')[3] ?? 'api'],
    // The action of the role × action table (lib/domain/access.ts); for the operator API it is also the API key scope that allows it.
    'x-action': c.action,
    // Operator routes take an API key or an operator staff account's token (lib/http/operator-auth.ts).
    ...(c.auth === 'operator' ? { security: [{ operatorApiKey: [] }, { installerToken: [] }] } : c.auth === 'installer' || c.auth === 'account' ? { security: [{ installerToken: [] }] } : {}),
    parameters: [
      ...params,
      ...query,
      ...(c.auth === 'operator'
        ? [
            {
              name: 'Operator-Id',
              in: 'header',
              required: false,
              description: 'With a staff account token: the operator to act for, needed when the account is staff of several (ignored with an API key).',
              schema: { type: 'string' },
            },
          ]
        : []),
      ...(c.idempotencyKey
        ? [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              description: 'Any unique value (a UUID): a retry with the same key within 10 minutes gets the same answer, with `idempotent-replayed: true`.',
              schema: { type: 'string', minLength: 16, maxLength: 128 },
            },
          ]
        : []),
      ...(c.conditional
        ? [{ name: 'If-None-Match', in: 'header', required: false, description: 'The `ETag` of an earlier answer: 304 without a body while nothing changed (poll with it).', schema: { type: 'string' } }]
        : []),
    ],
    ...(c.body ? { requestBody: { required: true, content: { [c.bodyMedia ?? 'application/json']: { schema: jsonSchema(c.body, 'input') } } } } : {}),
    responses: {
      [String(c.status)]:
        c.media
          ? { description: 'Success (a file: see content-disposition)', content: Object.fromEntries(c.media.map((m) => [m, { schema: { type: 'string' } }])) }
          : c.status === 204 || !c.response
          ? { description: 'No content' }
          : { description: 'Success', content: { 'application/json': { schema: jsonSchema(c.response, 'output') } } },
      ...(c.conditional ? { '304': { description: 'Not modified: the answer would equal the one with this ETag' } } : {}),
      ...Object.fromEntries(problemStatuses(c).map((s) => [String(s), problem(s)])),
    },
  };
}

export function openApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const c = contractOf(route);
    if (c) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, c);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Charge point commissioning API',
      version: '1.0.0',
      description: 'Installers bring EV charge points online, prove they work and hand them over; CPO systems set up the work. JSON is snake_case; errors are RFC 9457 problem+json.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      securitySchemes: {
        operatorApiKey: { type: 'http', scheme: 'bearer', description: 'The operator API key (cpk_…); on operator routes an operator admin or manager may send their access token instead' },
        installerToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'From POST /api/v1/installer/login; expires after one hour' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  };
}
