// Construct ids derived from table rows. They become logical ids, so they must not change for a
// row that is already deployed: they depend only on what identifies the row (rule name, route key).
import type { HttpRoute, WsRoute } from '../lib/routes';

/** `send-email` → `SendEmail`. */
export function constructId(text: string): string {
  const words = text.match(/[A-Za-z0-9]+/g) ?? [];
  if (words.length === 0) throw new Error(`Cannot derive a construct id from "${text}"`);
  const id = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  // CDK drops these two ids from logical ids (and `Default` becomes the scope's default child).
  if (id === 'Default' || id === 'Resource') throw new Error(`"${text}" would give the reserved construct id ${id}; rename the row`);
  return id;
}

/** `GET /api/v1/operator/charge-points/{charge_point_id}/logs` → `GetApiV1OperatorChargePointsByChargePointIdLogs`. */
export function httpRouteId(route: Pick<HttpRoute, 'method' | 'path'>): string {
  const path = route.path.replace(/\{([^}]+)\}/g, ' by $1 ');
  return constructId(`${route.method.toLowerCase()} ${path}`);
}

/** `$connect` → `OnConnect`, `$default` → `OnDefault`. */
export function wsRouteId(route: Pick<WsRoute, 'routeKey'>): string {
  return constructId(`on ${route.routeKey}`);
}
