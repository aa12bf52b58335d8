import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API } from '../../lib/api/contract';
import { contractOf, openApiDocument } from '../../lib/api/openapi';
import { API_ROUTES } from '../../lib/routes';

type Op = {
  requestBody?: { content: Record<string, { schema: { required?: string[]; properties?: Record<string, { enum?: string[] }> } }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
};
const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, Op>> };
const op = (method: string, path: string) => doc.paths[path]![method]!;

describe('OpenAPI document', () => {
  it('has a contract for every HTTP route and nothing else (add an API entry with a new route)', () => {
    expect(API_ROUTES.filter((r) => !contractOf(r)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(Object.keys(API).sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const r of API_ROUTES) expect(doc.paths[r.path]?.[r.method.toLowerCase()]).toBeDefined();
  });

  it('is generated from the entries the handlers are built with: every entry file passes its own route\'s contract', () => {
    for (const r of API_ROUTES) expect(readFileSync(r.entry, 'utf8').replace(/\s+/g, ''), r.entry).toContain(`httpHandler(API['${r.method}${r.path}']`);
  });

  it('describes request bodies with the validation schemas, e.g. registration', () => {
    const schema = op('post', '/api/v1/installer/projects/{project_id}/charge-points').requestBody!.content['application/json']!.schema;
    expect(schema.required).toEqual(expect.arrayContaining(['serial_number', 'ocpp_protocol']));
    expect(schema.properties?.ocpp_protocol?.enum).toEqual(['ocpp1.6', 'ocpp2.0.1']);
  });

  it('gives webhook creation and update their request bodies', () => {
    expect(op('post', '/api/v1/operator/webhooks').requestBody!.content['application/json']!.schema.required).toEqual(['url']);
    expect(Object.keys(op('patch', '/api/v1/operator/webhooks/{subscription_id}').requestBody!.content['application/json']!.schema.properties ?? {})).toEqual(['url', 'event_types', 'description', 'paused']);
  });

  it('declares the statuses the handlers answer: 201 for a new subscription, 204 for a deletion, 401 and 429 for login', () => {
    expect(Object.keys(op('post', '/api/v1/operator/webhooks').responses)).toContain('201');
    expect(Object.keys(op('post', '/api/v1/operator/webhooks').responses)).not.toContain('200');
    expect(Object.keys(op('delete', '/api/v1/operator/webhooks/{subscription_id}').responses)).toContain('204');
    expect(op('delete', '/api/v1/operator/webhooks/{subscription_id}').responses['204']!.content).toBeUndefined();
    expect(Object.keys(op('post', '/api/v1/installer/login').responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '429']));
  });
});
