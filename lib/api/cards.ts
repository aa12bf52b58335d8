// Request and response shapes of the charge card routes (issue #17 §2, docs/site-devices.md), for
// lib/api/contract.ts and the OpenAPI document. Kept apart so the other site-device parts grow theirs
// without touching these.
import { z } from 'zod';
import { ID_TOKEN_TYPES } from '../db/drivers';
import { LEARNING_MAX_SECONDS, LEARNING_MIN_SECONDS } from '../db/cards';
import { id, idTokenValue } from './schemas';

const obj = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape);
const str = z.string();
const nstr = z.string().nullable();
const time = z.iso.datetime();
const ntime = time.nullable();
const nint = z.number().int().nullable();
const name = z.string().trim().min(1).max(80);

// --- Requests ------------------------------------------------------------------------------------

export const CardParams = z.object({ location_id: id, card_id: z.string().min(1).max(64) });

/** No body (or `{}`): the default window, 120 s. */
export const OpenCardLearningBody = z.object({ duration_s: z.number().int().min(LEARNING_MIN_SECONDS).max(LEARNING_MAX_SECONDS).optional() }).default({});

/** `team` (default): the team's own card; `{account_id}`: a member of the team; `{name}`: a person without an account. */
const CardOwner = z.union([z.literal('team'), z.object({ account_id: id }).strict(), z.object({ name }).strict()]);

export const AddCardBody = z.object({
  /** From a learning window's capture (`captures[].captured_id`). */
  captured_id: z.string().min(1).max(200).optional(),
  /** Typed instead: 2.0.1 idToken is at most 36 characters (1.6 idTag at most 20). */
  id_token: idTokenValue.optional(),
  type: z.enum(ID_TOKEN_TYPES).optional(),
  name,
  owner: CardOwner.optional(),
});

export const ChangeCardBody = z
  .object({ name: name.optional(), status: z.enum(['active', 'blocked']).optional() })
  .refine((b) => b.name !== undefined || b.status !== undefined, { message: 'must change name or status' });

// --- Responses -----------------------------------------------------------------------------------

export const Card = obj({
  card_id: str,
  id_token: str,
  type: str,
  name: str,
  status: z.enum(['active', 'blocked']),
  expires_at: ntime,
  owner: obj({ kind: z.enum(['team', 'account', 'person']), user_id: str, name: nstr, account_id: nstr }),
  created_at: time,
  updated_at: time,
});
export const CardList = obj({ cards: z.array(Card) });

export const CardLearning = obj({
  charge_point_id: str,
  open: z.boolean(),
  until: ntime,
  seconds_left: z.number().int().min(0),
  captures: z.array(
    obj({
      captured_id: str,
      id_token: str,
      type: nstr,
      at: time,
      source: z.enum(['Authorize', 'StartTransaction', 'TransactionEvent']),
      connector_id: nint,
      evse_id: nint,
      known: z.boolean(),
      belongs_elsewhere: z.boolean(),
      card: Card.nullable(),
    }),
  ),
});

export const LocalList = obj({
  charge_point_id: str,
  /** null: not checked yet. */
  supported: z.boolean().nullable(),
  unsupported_reason: nstr,
  version: nint,
  entries: z.number().int(),
  max_entries: nint,
  items_per_message: nint,
  in_sync: z.boolean(),
  syncing: z.boolean(),
  last_error: nstr,
  synced_at: ntime,
  /** Cards past the charger's maximum list length: served online only. */
  not_fitted: z.array(str),
});
