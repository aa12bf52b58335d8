// GET /api/openapi.json: an OpenAPI 3.1 document built from the route table and the same zod
// schemas the handlers validate with (lib/api/schemas.ts). A unit test fails when a route has no
// entry here, so a new endpoint cannot be left out of the document.
import { z } from 'zod';
import { HTTP_ROUTES, type HttpRoute } from '../routes';
import * as S from './schemas';

interface RouteDoc {
  readonly body?: z.ZodType;
  readonly query?: z.ZodType;
  readonly status?: number;
  readonly summary?: string;
}

const LOG_QUERY = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().optional(),
  category: z.enum(['ocpp_state', 'transaction', 'connection', 'security']).optional(),
});

/** Request schemas per route key (`METHOD path`); routes without a body or query need an empty entry. */
export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'POST /api/v1/installer/signup': { body: S.SignupBody, status: 202 },
  'POST /api/v1/installer/verify-email': { body: S.VerifyEmailBody },
  'POST /api/v1/installer/login': { body: S.LoginBody },
  'POST /api/v1/installer/resend-verification': { body: S.EmailOnlyBody, status: 202 },
  'POST /api/v1/installer/password-reset/request': { body: S.EmailOnlyBody, status: 202 },
  'POST /api/v1/installer/password-reset': { body: S.ResetPasswordBody },
  'GET /api/v1/installer/projects': {},
  'GET /api/v1/installer/projects/{project_id}': {},
  'POST /api/v1/installer/projects/{project_id}/charge-points': { body: S.RegisterChargePointBody, status: 201 },
  'PUT /api/v1/installer/projects/{project_id}/checklist/{item}': { body: S.ChecklistBody },
  'POST /api/v1/installer/charge-points/{charge_point_id}/commissioning': { status: 202 },
  'GET /api/v1/installer/charge-points/{charge_point_id}/commissioning': {},
  'POST /api/v1/installer/projects/{project_id}/handover': {},
  'GET /api/v1/installer/projects/{project_id}/handover': {},
  'GET /api/v1/operator/projects/{project_id}/handover': {},
  'POST /api/v1/operator/teams': { body: S.CreateTeamBody, status: 201 },
  'GET /api/v1/operator/teams': {},
  'POST /api/v1/operator/sites': { body: S.CreateSiteBody, status: 201 },
  'GET /api/v1/operator/sites': {},
  'POST /api/v1/operator/projects': { body: S.CreateProjectBody, status: 201 },
  'GET /api/v1/operator/projects': {},
  'GET /api/v1/operator/projects/{project_id}': {},
  'POST /api/v1/operator/projects/{project_id}/charge-points': { body: S.PlanChargePointBody, status: 201 },
  'POST /api/v1/operator/projects/{project_id}/installers': { body: S.AssignInstallerBody, status: 201 },
  'DELETE /api/v1/operator/projects/{project_id}/installers/{email}': { status: 204 },
  'GET /api/v1/operator/charge-points/{charge_point_id}': {},
  'GET /api/v1/operator/charge-points/{charge_point_id}/logs': { query: LOG_QUERY },
  'POST /api/v1/operator/charge-points/{charge_point_id}/commands': { body: S.CommandBody },
  'GET /api/openapi.json': {},
};

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

function operation(route: HttpRoute) {
  const doc = ROUTE_DOCS[`${route.method} ${route.path}`] ?? {};
  const params = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const query = doc.query
    ? Object.entries((jsonSchema(doc.query).properties ?? {}) as Record<string, unknown>).map(([name, schema]) => ({ name, in: 'query', required: false, schema }))
    : [];
  const status = String(doc.status ?? 200);
  const problem = { description: 'RFC 9457 problem details naming the field or rule that failed', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
  return {
    summary: route.description,
    operationId: route.entry.replace(/^functions\/api\//, '').replace(/\.ts$/, '').replace(/[/-](\w)/g, (_m, c: string) => c.toUpperCase()),
    tags: [route.path.split('/')[3] ?? 'api'],
    ...(route.auth === 'operator' ? { security: [{ operatorApiKey: [] }] } : route.auth === 'installer' ? { security: [{ installerToken: [] }] } : {}),
    parameters: [...params, ...query],
    ...(doc.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(doc.body) } } } } : {}),
    responses: {
      [status]: status === '204' ? { description: 'No content' } : { description: 'Success', content: { 'application/json': { schema: { type: 'object' } } } },
      '400': problem,
      ...(route.auth !== 'none' ? { '401': problem, '404': problem } : {}),
      '403': problem,
      '409': problem,
      '423': problem,
    },
  };
}

export function openApiDocument(serverUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of HTTP_ROUTES) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
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
        operatorApiKey: { type: 'http', scheme: 'bearer', description: 'The operator API key (cpk_…)' },
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
