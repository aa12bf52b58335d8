import { describe, expect, it } from 'vitest';
import { openApiDocument, ROUTE_DOCS } from '../../lib/api/openapi';
import { HTTP_ROUTES } from '../../lib/routes';

describe('OpenAPI document', () => {
  it('documents every HTTP route in the route table (add a ROUTE_DOCS entry with a new route)', () => {
    const missing = HTTP_ROUTES.filter((r) => !r.path.startsWith('/api/v1/operator/webhooks')).map((r) => `${r.method} ${r.path}`).filter((k) => !(k in ROUTE_DOCS));
    expect(missing).toEqual([]);
    const doc = openApiDocument();
    for (const r of HTTP_ROUTES) expect(doc.paths[r.path]?.[r.method.toLowerCase()]).toBeDefined();
  });

  it('describes request bodies with the validation schemas, e.g. registration', () => {
    const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { required?: string[]; properties?: Record<string, { enum?: string[] }> } }> } }>> };
    const schema = doc.paths['/api/v1/installer/projects/{project_id}/charge-points']!.post!.requestBody!.content['application/json']!.schema;
    expect(schema.required).toEqual(expect.arrayContaining(['serial_number', 'ocpp_protocol']));
    expect(schema.properties?.ocpp_protocol?.enum).toEqual(['ocpp1.6', 'ocpp2.0.1']);
  });
});
