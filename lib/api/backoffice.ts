// Request and response shapes of the backoffice connection routes (issue #17 §3,
// docs/site-devices.md), for lib/api/contract.ts and the OpenAPI document.
import { z } from 'zod';
import { BACKOFFICE_ROLES } from '../db/backoffice';
import { id } from './schemas';
import { OperatorChargePoint } from './responses';

const obj = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape);
const str = z.string();
const nstr = z.string().nullable();
const time = z.iso.datetime();
const ntime = time.nullable();

/** `operator`: another operator on this platform, with a role; `external`: a backoffice by its URL (checked in domain/backoffice.ts). */
export const ConnectBackofficeBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('operator'), operator_id: id, role: z.enum(BACKOFFICE_ROLES) }),
  z.object({ kind: z.literal('external'), url: z.string().min(1).max(2048), security_profile: z.union([z.literal(2), z.literal(3)]).optional() }),
]);
export const AcceptBackofficeBody = z.object({ price_group_id: id.optional() });
export const BackofficeChargePointParams = z.object({ charge_point_id: id });

const Departed = obj({ url: str, at: time });
export const LocationBackoffice = obj({
  charge_point_id: str,
  connection: z.enum(['none', 'pending', 'connected', 'departed']),
  operator: obj({ operator_id: str, name: nstr }).nullable(),
  role: z.enum(BACKOFFICE_ROLES).nullable(),
  requested_at: ntime,
  accepted_at: ntime,
  departed: Departed.nullable(),
});
/** The answer to a move: the connection, the slot written (2.0.1) and each command's outcome. */
export const BackofficeConnectResult = LocationBackoffice.extend({
  configuration_slot: z.number().int().nullable().optional(),
  steps: z.array(obj({ action: str, status: str })).optional(),
});

export const OperatorBackofficeConnection = obj({
  charge_point_id: str,
  status: z.enum(['pending', 'connected']),
  role: z.enum(BACKOFFICE_ROLES),
  serial_number: nstr,
  location: obj({ location_id: str, name: str, operator_id: str }),
  requested_at: time,
  accepted_at: ntime,
  price_group_id: nstr,
});
export const OperatorBackofficeChargePoint = OperatorBackofficeConnection.extend({ charge_point: OperatorChargePoint.nullable() });
