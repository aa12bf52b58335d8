// The certificate fonts layer: built from layers/certificate-fonts, attached to exactly the
// functions that render certificates (their row writes certificates), and mounted where
// lib/certificates/fonts.ts looks on Lambda.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CERTIFICATE_FONTS_LAYER } from '../../infra/access';
import { REPO_ROOT } from '../../infra/bundling';
import type { AppFunction } from '../../infra/constructs/app-function';
import { CERTIFICATE_FONT_DIR_ENV, CERTIFICATE_FONT_FILES, LAMBDA_LAYER_FONT_DIR } from '../../lib/certificates/fonts';
import { EVENT_RULES } from '../../lib/events/rules';
import { HTTP_ROUTES, WS_ROUTES } from '../../lib/routes';
import { logicalId, resources, type Synthesized, synthesize } from './support/synth';

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

function allFunctions(): AppFunction[] {
  const { api, ocpp, events } = synth.application;
  return [...api.routes.values(), ...ocpp.routes.values(), ...events.rules.values()].map((r) => r.function);
}

function layerRefs(fn: AppFunction): unknown[] {
  const stack = fn.function.stack;
  const props = resources(synth.template(stack), 'AWS::Lambda::Function')[logicalId(stack, fn.function)]?.Properties ?? {};
  return (props.Layers as unknown[] | undefined) ?? [];
}

describe('certificate fonts layer', () => {
  it('holds the fonts and their licence where the renderer looks on Lambda (/opt + the asset path)', () => {
    const assetDir = resolve(REPO_ROOT, CERTIFICATE_FONTS_LAYER.assetDir);
    const mounted = (path: string) => join(assetDir, path.replace(/^\/opt\//, ''));
    expect(LAMBDA_LAYER_FONT_DIR.startsWith('/opt/')).toBe(true);
    expect(CERTIFICATE_FONTS_LAYER.environment).toEqual({ [CERTIFICATE_FONT_DIR_ENV]: LAMBDA_LAYER_FONT_DIR });
    for (const file of [...Object.values(CERTIFICATE_FONT_FILES), 'LICENSE']) {
      expect(existsSync(mounted(join(LAMBDA_LAYER_FONT_DIR, file))), file).toBe(true);
    }
  });

  it('is attached to exactly the functions whose row writes certificates, with CERTIFICATE_FONT_DIR', () => {
    const rows = [...HTTP_ROUTES, ...WS_ROUTES, ...EVENT_RULES];
    const renderers = rows.filter((r) => r.access.certificates === 'readwrite').map((r) => r.entry);
    expect(renderers).toContain('functions/api/installer/handover.ts');

    const withLayer = allFunctions().filter((fn) => layerRefs(fn).length > 0);

    expect(withLayer.map((fn) => fn.entry).sort()).toEqual([...renderers].sort());
    for (const fn of withLayer) {
      const stack = fn.function.stack;
      const layers = resources(synth.template(stack), 'AWS::Lambda::LayerVersion');
      expect(Object.keys(layers)).toHaveLength(1);
      const [layerId, layer] = Object.entries(layers)[0]!;
      expect(layerRefs(fn)).toEqual([{ Ref: layerId }]);
      expect(layer.Properties?.LicenseInfo).toBe('Bitstream-Vera');
      expect(layer.Properties?.CompatibleArchitectures).toContain('arm64');
    }
  });
});
