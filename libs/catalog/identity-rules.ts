import { ValidateBy, type ValidationOptions } from 'class-validator';
import { EMAIL, emailProblem, foldIdentityName, USERNAME, usernameProblem } from '../domain/identity-names';

/**
 * The username and e-mail rule of libs/domain/identity-names as class-validator decorators, so
 * every DTO that writes an identity (joiner intake, POST/PUT /identities, import rows) shares it.
 */
function byRule(name: string, problem: (s: string) => string | null, pattern: RegExp, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name,
      // The shape part of the rule, which the OpenAPI document states as the field's `pattern`.
      constraints: [pattern],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && problem(value) === null,
        defaultMessage: (args) => `${args?.property} ${typeof args?.value === 'string' ? problem(args.value) : 'must be a string'}`,
      },
    },
    options,
  );
}

export const IsUsername = (options?: ValidationOptions) => byRule('isUsername', usernameProblem, USERNAME, options);
export const IsIdentityEmail = (options?: ValidationOptions) => byRule('isIdentityEmail', emailProblem, EMAIL, options);

/** Whether two usernames (or e-mails) are the same for uniqueness: equal once folded (NFKC, case). */
export function sameIdentityName(a: string | null | undefined, b: string | null | undefined): boolean {
  return a != null && b != null && foldIdentityName(a) === foldIdentityName(b);
}

/** An ILIKE pattern matching `s` exactly, ignoring case: a database pre-filter for `sameIdentityName`. */
export function ilikeExactly(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
