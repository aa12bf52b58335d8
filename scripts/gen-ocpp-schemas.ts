// Generates lib/ocpp/schemas/ocpp16.gen.ts and ocpp201.gen.ts from the official OCA JSON schemas
// shipped by the npm package ocpp-rpc (draft-07, `$id` = `urn:<Action>.req` / `urn:<Action>.conf`).
// Run: npx tsx scripts/gen-ocpp-schemas.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'lib/ocpp/schemas');
const COMMAND = 'npx tsx scripts/gen-ocpp-schemas.ts';

// Keys that only document a schema. They are removed where they are schema keywords, never where they
// are names of payload fields (the keys of `properties` / `definitions` objects).
const DOC_KEYS = new Set(['description', 'javaType', 'comment', '$comment']);
const NAME_MAPS = new Set(['properties', 'definitions', 'patternProperties']);
const ID_PATTERN = /^urn:[A-Za-z0-9]+\.(req|conf)$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function strip(node: Json, isNameMap = false): Json {
  if (Array.isArray(node)) return node.map((item) => strip(item));
  if (node === null || typeof node !== 'object') return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    if (!isNameMap && DOC_KEYS.has(key)) continue;
    // draft-07 ignores additionalItems unless items is an array (tuple); dropping it changes nothing
    // and lets Ajv keep strict mode on (it rejects the no-op keyword).
    if (!isNameMap && key === 'additionalItems' && !Array.isArray(node.items)) continue;
    out[key] = strip(value, !isNameMap && NAME_MAPS.has(key));
  }
  return out;
}

function generate(source: string, target: string): void {
  const pkg = require('ocpp-rpc/package.json') as { version: string };
  const schemas = JSON.parse(readFileSync(require.resolve(`ocpp-rpc/lib/schemas/${source}`), 'utf8')) as unknown;
  if (!Array.isArray(schemas)) throw new Error(`${source}: expected an array of schemas`);
  const seen = new Set<string>();
  const lines = schemas.map((schema: Json) => {
    const id = schema !== null && typeof schema === 'object' && !Array.isArray(schema) ? schema.$id : undefined;
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw new Error(`${source}: unexpected $id ${String(id)}`);
    if (seen.has(id)) throw new Error(`${source}: duplicate $id ${id}`);
    seen.add(id);
    return `  ${JSON.stringify(strip(schema))},`;
  });
  const text = [
    `// Generated from ocpp-rpc@${pkg.version} lib/schemas/${source} (official OCA JSON schemas, documentation keys removed). Do not edit; regenerate with: ${COMMAND}`,
    'const schemas: readonly object[] = [',
    ...lines,
    '];',
    'export default schemas;',
    '',
  ].join('\n');
  writeFileSync(join(outDir, target), text);
  console.log(`${target}: ${lines.length} schemas, ${text.length} bytes`);
}

generate('ocpp1_6.json', 'ocpp16.gen.ts');
generate('ocpp2_0_1.json', 'ocpp201.gen.ts');
