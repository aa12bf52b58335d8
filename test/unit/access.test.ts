import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API } from '../../lib/api/contract';
import { ACTIONS, apiKeyActions, can, OPERATOR_ACTIONS, ROLE_ACTIONS, requireAction } from '../../lib/domain/access';
import { Forbidden } from '../../lib/domain/errors';
import { END, renderAccessTable, START } from '../../scripts/render-access-table';

describe('the role × action table', () => {
  it('is what the README shows (regenerate with `npx tsx scripts/render-access-table.ts --write`)', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf(START), readme.indexOf(END) + END.length);
    expect(section).toBe(renderAccessTable());
  });

  it('every route names an action the table knows, and operator routes only operator actions', () => {
    for (const [key, c] of Object.entries(API)) {
      expect(ACTIONS, key).toContain(c.action);
      if (c.auth === 'operator') expect(OPERATOR_ACTIONS, key).toContain(c.action);
      if (c.auth === 'none') expect(c.action, key).toBe('public');
      if (c.auth === 'installer') expect(c.action, key).toBe('installer:work');
    }
  });

  it('keeps staff and key management with the operator admin alone', () => {
    for (const action of ['staff:write', 'api_keys:write'] as const) {
      expect(can('operator_admin', action)).toBe(true);
      expect(can('operator_manager', action)).toBe(false);
      expect(can('api_key_full', action)).toBe(false);
    }
  });

  it('a read-only key reads and changes nothing; named scopes hold exactly themselves', () => {
    expect(apiKeyActions(['read_only']).every((a) => a.endsWith(':read'))).toBe(true);
    expect(apiKeyActions(['read_only'])).toContain('projects:read');
    expect(apiKeyActions(['projects:read', 'sessions:read'])).toEqual(['projects:read', 'sessions:read']);
    // A scope naming something a key may never hold is ignored, not granted.
    expect(apiKeyActions(['api_keys:write'])).toEqual([]);
    expect(apiKeyActions(['full'])).toEqual(ROLE_ACTIONS.api_key_full);
  });

  it('rights count only for the roles that can hold them', () => {
    expect(can('team_admin', 'location:configure')).toBe(false);
    expect(can('team_admin', 'location:configure', ['configure_charge_points'])).toBe(true);
    expect(can('team_member', 'location:configure', ['configure_charge_points'])).toBe(false);
    expect(can('location_installer', 'location:sensitive')).toBe(false);
    expect(can('location_installer', 'location:sensitive', ['sensitive_data'])).toBe(true);
    expect(can('location_installer_lapsed', 'location:read', ['sensitive_data'])).toBe(false);
  });

  it('a lapsed installer keeps the connection status and nothing else of a location', () => {
    expect(ACTIONS.filter((a) => a.startsWith('location') && can('location_installer_lapsed', a))).toEqual(['location:status']);
  });

  it('denies with a 403 that names the action', () => {
    expect(() => requireAction('team_member', 'team:members')).toThrow(Forbidden);
    expect(() => requireAction('team_member', 'team:members')).toThrow(/A team member may not manage the team’s members/);
  });
});
