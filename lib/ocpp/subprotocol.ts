// WebSocket subprotocol negotiation for $connect (DESIGN §2.3).
//
// The charger names the OCPP versions it speaks in Sec-WebSocket-Protocol, in order of preference
// (OCPP-J 1.6 §3.1.2; 2.0.1 Part 4 §3.1.2, §3.1.3 example "ocpp2.0.1, ocpp1.6"). API Gateway does
// not negotiate for us: the $connect Lambda must return the chosen value itself.

import type { OcppVersion } from './versions';

export interface NegotiatedSubprotocol {
  /** The canonical version to speak on this connection. */
  readonly version: OcppVersion;
  /**
   * The exact token the charger offered, to send back in Sec-WebSocket-Protocol. RFC 6455 §4.1
   * makes the client fail the handshake unless the server echoes one of its own values, and
   * clients such as `ws` compare byte for byte, so a charger that offered `OCPP1.6` must get
   * `OCPP1.6` back, not `ocpp1.6`.
   */
  readonly echo: string;
}

/**
 * The offered subprotocol tokens exactly as sent (case kept), trimmed, empty items dropped.
 * Accepts one header value or several (repeated headers are equivalent to one comma-joined
 * value, RFC 9110 §5.3). Tolerates what chargers really send: `",ocpp2.0.1"`, `"ocpp1.6 ,"`.
 */
export function splitSubprotocols(header: string | readonly string[] | undefined): string[] {
  if (header === undefined) return [];
  const values: readonly unknown[] = typeof header === 'string' ? [header] : header;
  const tokens: string[] = [];
  for (const value of values) {
    if (typeof value !== 'string') continue;
    for (const item of value.split(',')) {
      const token = item.trim();
      if (token !== '') tokens.push(token);
    }
  }
  return tokens;
}

/** The offered subprotocols as lowercase canonical names, in the charger's order (for logs and checks). */
export function parseSubprotocols(header: string | readonly string[] | undefined): string[] {
  return splitSubprotocols(header).map((token) => token.toLowerCase());
}

/**
 * The first protocol, in the charger's order of preference, that this charge point is registered
 * for; null when there is none (the caller answers 400, DESIGN §2.3).
 *
 * `offered` must be the exact tokens from {@link splitSubprotocols} so that `echo` is what the
 * charger sent; matching itself is case-insensitive.
 */
export function chooseSubprotocol(
  offered: readonly string[],
  allowed: readonly OcppVersion[],
): NegotiatedSubprotocol | null {
  for (const token of offered) {
    const name = token.trim().toLowerCase();
    const version = allowed.find((candidate) => candidate === name);
    if (version !== undefined) return { version, echo: token.trim() };
  }
  return null;
}

/** {@link splitSubprotocols} then {@link chooseSubprotocol}: what the $connect handler calls. */
export function negotiateSubprotocol(
  header: string | readonly string[] | undefined,
  allowed: readonly OcppVersion[],
): NegotiatedSubprotocol | null {
  return chooseSubprotocol(splitSubprotocols(header), allowed);
}
