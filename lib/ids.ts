import { randomBytes } from 'node:crypto';

/** Unguessable, URL-safe ids with a readable prefix, e.g. `prj_3kTq…` (96 bits of randomness). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}
