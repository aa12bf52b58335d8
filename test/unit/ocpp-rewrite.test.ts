// The CloudFront Function file, run as CloudFront would (in a VM), through the local runtime's loader.
import { describe, expect, it } from 'vitest';
import { rewriteOcppPath, viewerResponseHeaders } from '../../local/edge';

describe('OCPP path rewrite (CloudFront Function)', () => {
  it.each([
    ['/ocpp/CP001', 'CP001'],
    ['/ocpp/cp-001.A_b', 'cp-001.A_b'],
    ['/ocpp/a%2Bb', 'a+b'],
    ['/ocpp/CP001?x=1', 'CP001'],
  ])('rewrites %s to cp=%s', (uri, identity) => {
    expect(rewriteOcppPath(uri)).toEqual({ identity });
  });

  // Near misses reach $connect as received, so the installer can be told what the charger sent (issue #14).
  it.each([
    ['/ocpp/CP001/', 'CP001/'],
    ['/ocpp/foo/CP001', 'foo/CP001'],
    ['/ocpp/CP001/CP001', 'CP001/CP001'],
    ['/ocpp//CP001', '/CP001'],
    ['/ocpp/a/b', 'a/b'],
  ])('passes the near miss %s on as cp=%s', (uri, identity) => {
    expect(rewriteOcppPath(uri)).toEqual({ identity });
  });

  it.each(['/', '/ocpp', '/ocpp/', '/ocpp//', '/ocpp/a/b/c/d/e', `/ocpp/${'x'.repeat(48)}/${'y'.repeat(48)}/z${'z'.repeat(10)}`, '/ocpp/a%2Fb', '/ocpp/ok/sp%20ace', '/other/CP001', '/ocpp/has%3Acolon', '/ocpp/sp%20ace', `/ocpp/${'x'.repeat(49)}`, '/ocpp/%E0%A4%A', '/ocpp/a%252Bb'])(
    'rejects %s with 404',
    (uri) => {
      expect(rewriteOcppPath(uri)).toEqual({ status: 404 });
    },
  );
});

describe('401 challenge (CloudFront Function, viewer response)', () => {
  it('adds a Basic challenge to a 401 only', () => {
    expect(viewerResponseHeaders(401)).toEqual({ 'www-authenticate': 'Basic realm="OCPP", charset="UTF-8"' });
    for (const status of [101, 400, 403, 404, 500]) expect(viewerResponseHeaders(status)).toEqual({});
  });
});
