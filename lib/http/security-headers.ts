// Headers on every answer of the HTTP API, success or problem. The API serves JSON only (the job
// page will set its own policy for its HTML): nothing it returns is meant to be framed, sniffed as
// another type, cached by a shared cache (answers are per user; some carry a secret shown once,
// such as a webhook signing secret or a provisioning password) or to leak its URL as a referrer.
// HSTS is sent everywhere: on AWS the API is HTTPS only, and browsers ignore the header over plain
// HTTP (RFC 6797 §8.1), so the local runtime may send it too.
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
};

/** `headers` over the defaults: a route may relax caching (a public document) but never drops the rest. */
export function withSecurityHeaders(headers: Record<string, string> = {}): Record<string, string> {
  return { ...SECURITY_HEADERS, ...headers };
}

/**
 * The job page (issue #14) is HTML a browser runs, so it gets a policy that allows what the page
 * needs and nothing else: its own script, style sheet and API calls from this origin (`'self'`),
 * no inline script or style (so injected markup cannot run), no third-party host (no CDN, fonts or
 * trackers), no plugins, no framing, forms only to this origin. Referrer-Policy stays `no-referrer`:
 * the URL carries the link's token and must not leak to anything the page links to.
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of a page or page asset: the API's set with the page's policy; `headers` may relax caching. */
export function withPageSecurityHeaders(headers: Record<string, string> = {}): Record<string, string> {
  return withSecurityHeaders({ 'content-security-policy': PAGE_CONTENT_SECURITY_POLICY, ...headers });
}
