// OCPP-J WebSocket subprotocol names (OCPP-J 1.6 §3.1.2; 2.0.1 Part 4 §3.1.2).
export const OCPP_VERSIONS = ['ocpp1.6', 'ocpp2.0.1'] as const;

export type OcppVersion = (typeof OCPP_VERSIONS)[number];

export function isOcppVersion(value: unknown): value is OcppVersion {
  return typeof value === 'string' && (OCPP_VERSIONS as readonly string[]).includes(value);
}
