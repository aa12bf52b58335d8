import { describe, expect, it } from 'vitest';
import { isFromThisMachine, isInternalRequest, mayServeInternal } from '../../../local/internal-access';

const own = new Set(['192.168.1.20', 'fe80::1']);

describe('internal access of the local runtime', () => {
  it('counts loopback and this machine\'s own addresses as this machine, nothing else', () => {
    for (const a of ['127.0.0.1', '127.0.1.1', '::1', '::ffff:127.0.0.1', '192.168.1.20', '::ffff:192.168.1.20']) expect(isFromThisMachine(a, own), a).toBe(true);
    for (const a of ['192.168.1.21', '10.0.0.5', '::ffff:192.0.2.1', undefined]) expect(isFromThisMachine(a, own), String(a)).toBe(false);
  });

  it('knows the internal paths from the HTTP API', () => {
    expect(isInternalRequest('POST', '/', { 'x-amz-target': 'AWSEvents.PutEvents' }, 'local')).toBe(true);
    expect(isInternalRequest('POST', '/local/@connections/abc', {}, 'local')).toBe(true);
    expect(isInternalRequest('GET', '/_local/outbox', {}, 'local')).toBe(true);
    expect(isInternalRequest('GET', '/_local/s3/b/k', {}, 'local')).toBe(true);
    expect(isInternalRequest('GET', '/api/v1/installer/projects', {}, 'local')).toBe(false);
    expect(isInternalRequest('GET', '/health', {}, 'local')).toBe(false);
  });

  it('lets a stranger read one presigned object and nothing else', () => {
    const u = (s: string) => new URL(s, 'http://x');
    expect(mayServeInternal('GET', u('/_local/s3/b/p/c.pdf?X-Amz-Credential=a&X-Amz-Signature=b'), '192.0.2.1', own)).toBe(true);
    expect(mayServeInternal('GET', u('/_local/s3/b/p/c.pdf'), '192.0.2.1', own)).toBe(false);
    expect(mayServeInternal('GET', u('/_local/s3/b?X-Amz-Credential=a&X-Amz-Signature=b'), '192.0.2.1', own)).toBe(false);
    expect(mayServeInternal('PUT', u('/_local/s3/b/p/c.pdf?X-Amz-Credential=a&X-Amz-Signature=b'), '192.0.2.1', own)).toBe(false);
  });
});
