// Installer password strength: zxcvbn-ts (@zxcvbn-ts/core, a maintained TypeScript port of
// Dropbox's zxcvbn) with the common-password and keyboard-pattern dictionaries of
// @zxcvbn-ts/language-common and the English words and names of @zxcvbn-ts/language-en.
// NIST SP 800-63B §5.1.1.2: check against known-bad passwords, require length, no composition rules.
// Only signup and password reset import this module (the dictionaries are ~2 MB and take about a
// second to load), so login, the installer API and the OCPP functions do not carry them.
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
import type { FieldIssue } from '../domain/errors';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;
/** zxcvbn score 0–4; 3 = "safely unguessable: moderate protection from offline slow-hash scenario" (≥ 10^8 guesses). */
export const PASSWORD_MIN_SCORE = 3;

let estimator: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  });
  return estimator;
}

/** What is wrong with a new password, as field issues on `password`; empty when it is acceptable. */
export function passwordProblems(password: string, userInputs: readonly string[]): FieldIssue[] {
  const issues: string[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) issues.push(`must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH) issues.push(`must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (!issues.length) {
    // The email and its local part are "user inputs": a password built from them scores low.
    const inputs = userInputs.flatMap((s) => [s, ...s.split(/[@.+_-]/)]).filter((s) => s.length >= 3);
    const result = zxcvbn().check(password, inputs);
    if (result.score < PASSWORD_MIN_SCORE) {
      const why = [result.feedback.warning, ...result.feedback.suggestions].filter((s): s is string => !!s);
      issues.push(`is too easy to guess${why.length ? `: ${why.join(' ')}` : ''}`);
    }
  }
  return issues.map((message) => ({ field: 'password', message }));
}
