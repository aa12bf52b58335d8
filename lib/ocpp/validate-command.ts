// The payload of a command this CSMS sends, checked against its official request schema before it
// goes out (an operator's typo is a 400, not a CALLERROR from the charger). Its own module so that
// only the functions that send commands bundle these validators (scripts/gen-ocpp-schemas.ts).
import { validateWith, type ValidationResult } from './validate';
import { validators as commands16 } from './validators/ocpp16.commands.gen.js';
import { validators as commands201 } from './validators/ocpp201.commands.gen.js';
import type { OcppVersion } from './versions';

const COMMANDS = { 'ocpp1.6': commands16, 'ocpp2.0.1': commands201 } as const;

export function validateCommandRequest(version: OcppVersion, action: string, payload: unknown): ValidationResult {
  return validateWith([COMMANDS[version]], version, action, 'req', payload);
}
