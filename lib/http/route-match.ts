// Matching a request path against the route table's path templates, the way API Gateway HTTP API
// does: literal segments beat `{param}` segments, an optional trailing slash is ignored. Used by the
// local runtime to pick a row and by the `$default` function to tell 404 from 405 on AWS too.
import type { HttpRoute } from '../routes';

export interface CompiledRoute {
  readonly route: HttpRoute;
  readonly regex: RegExp;
  readonly params: string[];
  /** Literal segments count: HTTP API prefers the most specific route. */
  readonly specificity: number;
}

export function compileRoutes(routes: readonly HttpRoute[]): CompiledRoute[] {
  return routes
    .map((route) => {
      const params: string[] = [];
      const segments = route.path.split('/').filter(Boolean);
      const pattern = segments
        .map((seg) => {
          const m = /^\{([A-Za-z0-9_]+)\}$/.exec(seg);
          if (m) {
            params.push(m[1]!);
            return '([^/]+)';
          }
          return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/');
      return { route, params, regex: new RegExp(`^/${pattern}/?$`), specificity: segments.length - params.length };
    })
    .sort((a, b) => b.specificity - a.specificity);
}

export type RouteMatch =
  | { readonly kind: 'matched'; readonly route: HttpRoute; readonly pathParameters: Record<string, string> }
  /** The path names a route but the percent-encoding of one parameter cannot be decoded. */
  | { readonly kind: 'bad_encoding'; readonly route: HttpRoute; readonly parameter: string }
  /** The path exists with other methods (for `405` and its `Allow` header). */
  | { readonly kind: 'method_not_allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not_found' };

export function matchRoute(compiled: readonly CompiledRoute[], method: string, path: string): RouteMatch {
  const allow = new Set<string>();
  for (const c of compiled) {
    const m = c.regex.exec(path);
    if (!m) continue;
    if (c.route.method !== method) {
      allow.add(c.route.method);
      continue;
    }
    const pathParameters: Record<string, string> = {};
    for (const [i, p] of c.params.entries()) {
      try {
        pathParameters[p] = decodeURIComponent(m[i + 1]!);
      } catch {
        return { kind: 'bad_encoding', route: c.route, parameter: p };
      }
    }
    return { kind: 'matched', route: c.route, pathParameters };
  }
  return allow.size ? { kind: 'method_not_allowed', allow: [...allow].sort() } : { kind: 'not_found' };
}
