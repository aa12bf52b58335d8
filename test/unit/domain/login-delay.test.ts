import { describe, expect, it } from 'vitest';
import { LOGIN_BASE_DELAY_SECONDS, LOGIN_FREE_FAILURES, LOGIN_MAX_DELAY_SECONDS, loginDelaySeconds } from '../../../lib/domain/installers';

describe('login delay after failures', () => {
  it('costs nothing for the first failures, then doubles with each failure up to the cap', () => {
    expect(loginDelaySeconds(LOGIN_FREE_FAILURES - 1)).toBe(0);
    expect(loginDelaySeconds(LOGIN_FREE_FAILURES)).toBe(LOGIN_BASE_DELAY_SECONDS);
    expect(loginDelaySeconds(LOGIN_FREE_FAILURES + 1)).toBe(2 * LOGIN_BASE_DELAY_SECONDS);
    expect(loginDelaySeconds(LOGIN_FREE_FAILURES + 3)).toBe(8 * LOGIN_BASE_DELAY_SECONDS);
    expect(loginDelaySeconds(LOGIN_FREE_FAILURES + 100)).toBe(LOGIN_MAX_DELAY_SECONDS);
  });
});
