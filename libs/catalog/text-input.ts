import { ValidateBy, type ValidationArguments } from 'class-validator';

/** Some character that is not white space (U+0020, tabs, line breaks, NBSP, the Unicode spaces). */
export const SOME_TEXT = /\S/u;

/**
 * A required text (a name, a justification, an attestation note, a reason) must say something:
 * `"   "` passed `@Length(1, n)` and became a blank name in the catalog or a blank note as the
 * evidence of an attestation (ADR 177). The value is kept as sent, never trimmed.
 * With `when`, the rule holds only for bodies it accepts (a reject's comment, a revoke's comment).
 */
export function HasText(when?: (body: never) => boolean, message = '$property must not be blank'): PropertyDecorator {
  return ValidateBy({
    name: 'hasText',
    // The pattern, for the OpenAPI document, only when the rule always holds.
    constraints: when ? [] : [SOME_TEXT],
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        (when !== undefined && !when(args?.object as never)) || (typeof value === 'string' && SOME_TEXT.test(value)),
      defaultMessage: () => message,
    },
  });
}
