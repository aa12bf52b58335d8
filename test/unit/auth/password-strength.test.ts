import { describe, expect, it } from 'vitest';
import { passwordProblems } from '../../../lib/auth/password-strength';

describe('installer password strength (zxcvbn-ts with common-password dictionaries)', () => {
  it.each(['Password12', 'Qwerty12345', 'passwordpassword', 'Summer2024!', 'iloveyou123'])('refuses the common or patterned %s', (password) => {
    expect(passwordProblems(password, ['ina@example.com'])).toEqual([expect.objectContaining({ field: 'password', message: expect.stringMatching(/too easy to guess/) })]);
  });

  it('refuses a password built from the email', () => {
    expect(passwordProblems('harbourview2031', ['harbourview@example.com'])).not.toEqual([]);
  });

  it('refuses passwords outside 10–128 characters, naming the length', () => {
    expect(passwordProblems('x7#Kq!', [])).toEqual([{ field: 'password', message: 'must be at least 10 characters' }]);
    expect(passwordProblems('a'.repeat(129), [])).toEqual([{ field: 'password', message: 'must be at most 128 characters' }]);
  });

  it.each(['Correct-Horse-42', 'correct horse battery staple', 'vX3!qm9#Lt'])('accepts %s without composition rules', (password) => {
    expect(passwordProblems(password, ['ina@example.com'])).toEqual([]);
  });
});
