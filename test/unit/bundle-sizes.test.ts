// How scripts/bundle-sizes.ts splits a bundle: issue #13's target counts "our code" (every module
// outside node_modules, the generated OCPP validators included), apart from the AWS SDK and other packages.
import { describe, expect, it } from 'vitest';
import { bytesByOrigin, formatTop, originOf, type BundleSize } from '../../scripts/bundle-sizes';

const modules = [
  { input: 'lib/ocpp/validators/ocpp201.received.gen.js', bytes: 500 },
  { input: '../main/node_modules/@smithy/core/dist-es/index.js', bytes: 300 },
  { input: 'node_modules/@aws-sdk/client-dynamodb/dist-es/index.js', bytes: 100 },
  { input: 'lib/ocpp/pipeline.ts', bytes: 60 },
  { input: 'node_modules/mnemonist/lru-cache.js', bytes: 30 },
  { input: 'functions/ocpp/message.ts', bytes: 10 },
];

describe('bundle sizes by origin', () => {
  it('tells the AWS SDK, other packages, generated code and written code apart', () => {
    expect(modules.map((m) => originOf(m.input))).toEqual(['generated', 'sdk', 'sdk', 'own', 'package', 'own']);
  });

  it('counts generated modules as our code and reports them apart too', () => {
    expect(bytesByOrigin(modules)).toEqual({ sdkBytes: 400, packageBytes: 30, ownBytes: 570, generatedBytes: 500 });
  });

  it('lists the heaviest modules and packages of one bundle, our modules one by one', () => {
    const size: BundleSize = { entry: 'functions/ocpp/message.ts', bytes: 1000, gzipBytes: 1, inputs: [], packages: [], sdkBytes: 400, ownBytes: 570, generatedBytes: 500, modules, code: '' };
    const lines = formatTop(size, 2).split('\n');
    expect(lines[0]).toBe("functions/ocpp/message.ts: 1.0 KiB minified = 0.4 KiB AWS SDK + 0.0 KiB other packages + 0.6 KiB our code (0.5 KiB of it generated); the rest is esbuild's glue");
    expect(lines.slice(2, 4).map((l) => l.trim())).toEqual(['0.5 KiB   50.0%  lib/ocpp/validators/ocpp201.received.gen.js', '0.3 KiB   30.0%  ../main/node_modules/@smithy/core/dist-es/index.js']);
    expect(lines.slice(5).map((l) => l.trim())).toEqual(['0.5 KiB   50.0%  lib/ocpp/validators/ocpp201.received.gen.js (generated)', '0.3 KiB   30.0%  @smithy/core']);
  });
});
