// The single table, defined once. The CDK data stack and the local runtime both build the table
// from this object, so the key schema, GSIs and TTL attribute cannot drift (issue #2, #6).
// Generic key names on the table; domain meaning lives in keys.ts (STYLE.md, "One table").

export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

export const GSIS = {
  /** Overloaded secondary index: projects by operator, charge points by project, … (ACCESS_PATTERNS.md). */
  gsi1: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** Second overloaded index: projects by installer, latest status per connector, … */
  gsi2: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
} as const;

export type GsiName = keyof typeof GSIS;

/** Epoch seconds after which DynamoDB may delete the item. DynamoDB Local never deletes, so readers filter too. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** Every item carries its entity type in this attribute. */
export const ENTITY_ATTRIBUTE = 'type';

export interface TableDefinition {
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly globalSecondaryIndexes: ReadonlyArray<{ readonly indexName: string; readonly partitionKey: string; readonly sortKey: string }>;
  readonly ttlAttribute: string;
}

export const TABLE_DEFINITION: TableDefinition = {
  partitionKey: TABLE_KEYS.partitionKey,
  sortKey: TABLE_KEYS.sortKey,
  globalSecondaryIndexes: Object.entries(GSIS).map(([indexName, k]) => ({ indexName, ...k })),
  ttlAttribute: TTL_ATTRIBUTE,
};

/** CreateTable input for the local runtime (string keys, on-demand, every GSI projects all). */
export function createTableInput(tableName: string) {
  const attrs = new Set<string>([TABLE_DEFINITION.partitionKey, TABLE_DEFINITION.sortKey]);
  for (const g of TABLE_DEFINITION.globalSecondaryIndexes) {
    attrs.add(g.partitionKey);
    attrs.add(g.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attrs].map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: TABLE_DEFINITION.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_DEFINITION.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: TABLE_DEFINITION.globalSecondaryIndexes.map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: g.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}
