// The two run-time helpers the ahead-of-time validators (*.gen.js, scripts/gen-ocpp-schemas.ts) call:
// Ajv's UCS-2 length for minLength/maxLength and ajv-formats' date-time and uri checks. Only these
// small modules are bundled, never the Ajv compiler.
import ucs2lengthModule from 'ajv/dist/runtime/ucs2length';
import { fullFormats } from 'ajv-formats/dist/formats';

// A CommonJS module with `exports.default`: bundlers hand over the function, Node's ESM loader the
// exports object; accept both.
const ucs2length = ((ucs2lengthModule as unknown as { default?: unknown }).default ?? ucs2lengthModule) as (s: string) => number;

/** Stands in for `require("ajv/dist/runtime/ucs2length")` in the generated code. */
export const ajvUcs2length = { default: ucs2length };
/** Stands in for `require("ajv-formats/dist/formats")` in the generated code. */
export const ajvFormats = { fullFormats };
