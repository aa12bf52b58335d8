// DynamoDB write units computed from item sizes, by DynamoDB's published rules
// (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html).
//
// Why: DynamoDB Local reports ConsumedCapacity correctly for single-item requests (PutItem,
// UpdateItem, GetItem, Query: checked against these rules by the bench), but for
// TransactWriteItems it reports one item's units whatever the number of items (measured:
// [Put, Put, Put] of 100-byte items → 2 units instead of 6). The bench therefore computes the
// units of transactions itself: 2 × ⌈size / 1 KB⌉ per item on the table, and the same again for
// every index the item is in. Sizes of updated items come from a shadow copy of every item the
// process has written, kept up to date by applying the same update expressions (simplified:
// top-level SET/REMOVE/ADD, which is all this code base uses).

export type Doc = Record<string, unknown>;

/** Bytes DynamoDB counts for one attribute value (document-client form). */
export function attributeValueSize(v: unknown): number {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return Buffer.byteLength(v);
  if (typeof v === 'number' || typeof v === 'bigint') {
    const digits = String(v).replace(/^-/, '').replace('.', '').replace(/e.*$/i, '').replace(/^0+/, '').replace(/0+$/, '').length || 1;
    return Math.ceil(digits / 2) + 1;
  }
  if (v instanceof Uint8Array) return v.byteLength;
  if (v instanceof Set) return [...(v as Set<unknown>)].reduce<number>((s, x) => s + attributeValueSize(x), 0);
  if (Array.isArray(v)) return 3 + v.reduce<number>((s, x) => s + 1 + attributeValueSize(x), 0);
  if (typeof v === 'object') return 3 + Object.entries(v as Doc).reduce((s, [k, x]) => s + 1 + Buffer.byteLength(k) + attributeValueSize(x), 0);
  return 1;
}

/** Item size: attribute names plus values. */
export function itemSize(item: Doc): number {
  return Object.entries(item).reduce((s, [k, v]) => (v === undefined ? s : s + Buffer.byteLength(k) + attributeValueSize(v)), 0);
}

/** Write units of one non-transactional write of an item of `bytes` (1 KB each, at least 1). */
export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** The table's index key pairs (lib/db/table.ts): an item is in an index when it has both. */
export const INDEX_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['gsi1pk', 'gsi1sk'],
  ['gsi2pk', 'gsi2sk'],
];

export function indexCount(item: Doc): number {
  return INDEX_KEYS.filter(([pk, sk]) => item[pk] !== undefined && item[sk] !== undefined).length;
}

/** Applies a (simplified) update expression to a copy of `doc`: top-level SET a = :v | if_not_exists(a, :v), REMOVE a, ADD a :n. */
export function applyUpdate(doc: Doc, expression: string, names: Record<string, string> = {}, values: Record<string, unknown> = {}): Doc {
  const out: Doc = { ...doc };
  const name = (path: string) => {
    const root = path.trim().split(/[.[]/)[0] ?? '';
    return names[root] ?? root;
  };
  const nested = (path: string) => /[.[]/.test(path.trim());
  const sections = expression.split(/\b(SET|REMOVE|ADD|DELETE)\b/i).map((s) => s.trim());
  for (let i = 1; i < sections.length; i += 2) {
    const kind = sections[i]!.toUpperCase();
    const body = sections[i + 1] ?? '';
    // Commas inside if_not_exists(a, :v) must not split clauses.
    const clauses = body.split(/,(?![^(]*\))/).map((c) => c.trim()).filter(Boolean);
    for (const clause of clauses) {
      if (kind === 'SET') {
        const [path, expr] = clause.split('=').map((s) => s.trim());
        if (!path || !expr || nested(path)) continue;
        const placeholder = /:[A-Za-z0-9_]+/.exec(expr)?.[0];
        const attr = name(path);
        if (/^if_not_exists\(/i.test(expr) && out[attr] !== undefined) continue;
        if (placeholder !== undefined) out[attr] = values[placeholder];
      } else if (kind === 'REMOVE') {
        if (!nested(clause)) delete out[name(clause)];
      } else if (kind === 'ADD') {
        const [path, placeholder] = clause.split(/\s+/);
        if (!path || !placeholder) continue;
        const attr = name(path);
        const add = values[placeholder];
        out[attr] = typeof add === 'number' ? (typeof out[attr] === 'number' ? (out[attr] as number) : 0) + add : add;
      }
    }
  }
  return out;
}

const keyOf = (key: Doc | undefined) => `${String(key?.pk)}\u0000${String(key?.sk)}`;

/** Items this process wrote, so that the size of an updated item is known. Log-like items (never updated) are not kept. */
export class ItemShadow {
  private readonly items = new Map<string, Doc>();
  constructor(private readonly skipPrefixes: readonly string[] = ['LOG#', 'BENCHRAW#', 'REPLAY#']) {}

  private keep(key: Doc | undefined): boolean {
    const pk = String(key?.pk ?? '');
    return !this.skipPrefixes.some((p) => pk.startsWith(p));
  }

  put(item: Doc): Doc {
    if (this.keep(item)) this.items.set(keyOf(item), item);
    return item;
  }

  /** The item after the update (an update of an unknown item starts from its key, as an upsert does). */
  update(key: Doc, expression: string, names?: Record<string, string>, values?: Record<string, unknown>): Doc {
    const before = this.items.get(keyOf(key)) ?? { ...key };
    const after = applyUpdate(before, expression, names, values);
    if (this.keep(key)) this.items.set(keyOf(key), after);
    return after;
  }

  /** The item before the delete (its key alone when unknown). */
  delete(key: Doc): Doc {
    const before = this.items.get(keyOf(key)) ?? { ...key };
    this.items.delete(keyOf(key));
    return before;
  }

  get(key: Doc): Doc | undefined {
    return this.items.get(keyOf(key));
  }

  get size(): number {
    return this.items.size;
  }
}

export interface TransactItemInput {
  readonly Put?: { readonly Item?: Doc };
  readonly Update?: { readonly Key?: Doc; readonly UpdateExpression?: string; readonly ExpressionAttributeNames?: Record<string, string>; readonly ExpressionAttributeValues?: Record<string, unknown> };
  readonly Delete?: { readonly Key?: Doc };
  readonly ConditionCheck?: { readonly Key?: Doc };
}

export interface Units {
  readonly table: number;
  readonly indexes: number;
}

/**
 * Write units of a successful TransactWriteItems: every item costs 2 × ⌈size / 1 KB⌉ on the table
 * (an update counts the larger of the item before and after), and the same in each index it is in.
 * Updates the shadow.
 */
export function transactionWriteUnits(items: readonly TransactItemInput[], shadow: ItemShadow): Units {
  let table = 0;
  let indexes = 0;
  for (const t of items) {
    let sizes: number[] = [];
    let inIndexes = 0;
    if (t.Put?.Item) {
      const item = shadow.put(t.Put.Item);
      sizes = [itemSize(item)];
      inIndexes = indexCount(item);
    } else if (t.Update?.Key) {
      const before = shadow.get(t.Update.Key) ?? t.Update.Key;
      const after = shadow.update(t.Update.Key, t.Update.UpdateExpression ?? '', t.Update.ExpressionAttributeNames, t.Update.ExpressionAttributeValues);
      sizes = [itemSize(before), itemSize(after)];
      inIndexes = Math.max(indexCount(before), indexCount(after));
    } else if (t.Delete?.Key) {
      const before = shadow.delete(t.Delete.Key);
      sizes = [itemSize(before)];
      inIndexes = indexCount(before);
    } else if (t.ConditionCheck?.Key) {
      sizes = [itemSize(shadow.get(t.ConditionCheck.Key) ?? t.ConditionCheck.Key)];
    }
    const units = 2 * writeUnits(Math.max(0, ...sizes));
    table += units;
    indexes += units * inIndexes;
  }
  return { table, indexes };
}
