// Request and response shapes of the site-device routes, serial + PIN part (issue #17,
// docs/site-devices.md §1), for lib/api/contract.ts and the OpenAPI document. Kept apart from
// schemas.ts/responses.ts (as people.ts is) so the other parts of #17 grow theirs without touching these.
import { z } from 'zod';
import { OCPP_PROTOCOLS } from './schemas';

const text = (max: number) => z.string().trim().min(1).max(max);
const obj = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape);
const time = z.iso.datetime();

// --- Requests ------------------------------------------------------------------------------------

/**
 * What the PIN on a charger's sticker may be: 4–32 letters, digits or `-` (makers print digits,
 * some in groups). Compared exactly as loaded, after trimming.
 */
export const DevicePin = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{4,32}$/, 'must be 4–32 letters, digits or -');

/**
 * One charger of the catalogue, without its serial (the path or the CSV's `serial` column). The CSV
 * import validates each row with this same schema, so the file and the API accept the same values.
 */
export const DeviceFields = z.object({
  pin: DevicePin,
  vendor: text(50),
  model: text(50),
  ocpp_protocol: z.enum(OCPP_PROTOCOLS),
  connectors: z.number().int().min(1).max(16),
});
export type DeviceFieldsInput = z.infer<typeof DeviceFields>;

/** The serial in a path; whether it can be an OCPP identity is checked by the use case (400 naming `serial`). */
export const DeviceParams = z.object({ serial: z.string().min(1).max(48) });
export const DevicesQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).optional(), cursor: z.string().max(2048).optional() });
/** The CSV upload, as text (lib/http/handler.ts reads `text/csv` bodies; domain/devices.ts parses it). */
export const DeviceCsv = z.string().min(1, 'must be a CSV file with a header line').describe('CSV, header `serial,pin,vendor,model,ocpp_protocol,connectors`, at most 50 rows');

/** Add a charger to a location by the serial and PIN on its sticker. */
export const AddBySerialBody = z.object({ serial_number: text(48), pin: z.string().trim().min(1).max(64) });

// --- Responses -----------------------------------------------------------------------------------

/** A charger of the catalogue: never its PIN nor the PIN's hash. */
export const Device = obj({
  serial_number: z.string(),
  vendor: z.string(),
  model: z.string(),
  ocpp_protocol: z.enum(OCPP_PROTOCOLS),
  connectors: z.number().int(),
  created_at: time,
  updated_at: time,
});
export const DeviceImport = obj({ imported: z.number().int(), created: z.number().int(), updated: z.number().int(), devices: z.array(Device) });
