import fc from 'fast-check';
import { emailProblem, foldIdentityName, usernameProblem } from './identity-names';

describe('username and e-mail rule', () => {
  it('accepts ordinary usernames and addresses', () => {
    for (const u of ['mokafor', 'm.okafor', 'm_okafor-2', 'mokafor@corp', 'E1001']) expect(usernameProblem(u)).toBeNull();
    for (const e of ['mokafor@example.org', 'm.o+tag@mail.example.co.uk']) expect(emailProblem(e)).toBeNull();
  });

  it.each([
    ['mokafor ', /start or end with whitespace/],
    [' mokafor', /start or end with whitespace/],
    ['mok\tafor', /control characters \(U\+0009, a tab\)/],
    ['mok\u0000afor', /control characters/],
    ['mok\u200Bafor', /invisible characters \(U\+200B\)/],
    ['\uFEFFmokafor', /invisible/],
    ['ｍokafor', /plain ASCII: "ｍ" \(U\+FF4D, which looks like "m"\)/],
    ['mоkafor', /plain ASCII: "о" \(U\+043E\)/],
    ['mo kafor', /whitespace/],
    ['', /empty/],
  ])('refuses username %j', (u, message) => {
    expect(usernameProblem(u)).toMatch(message);
  });

  it.each([['mokafor@example.org '], [' mokafor@example.org'], ['mok\u200Bafor@example.org'], ['ｍokafor@example.org'], ['mokafor@exаmple.org'], ['mokafor'], ['a@b']])(
    'refuses e-mail %j',
    (e) => {
      expect(emailProblem(e)).not.toBeNull();
    },
  );

  it('folds case and compatibility forms together for uniqueness', () => {
    expect(foldIdentityName('MOkafor')).toBe(foldIdentityName('mokafor'));
    expect(foldIdentityName('ｍokafor')).toBe('mokafor');
    expect(foldIdentityName('STRASSE')).toBe(foldIdentityName('straße'));
  });

  it('never accepts a value that differs from its own NFKC form or has surrounding space', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (s) => {
        for (const problem of [usernameProblem, emailProblem]) {
          if (problem(s) === null) {
            expect(s.normalize('NFKC')).toBe(s);
            expect(s.trim()).toBe(s);
          }
        }
      }),
    );
  });
});
