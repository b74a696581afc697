import { IsISO8601, Matches, ValidateBy, type ValidationArguments } from 'class-validator';

/** The end of an ISO-8601 date-time that names its offset from UTC (`Z`, `+01:00`, `-05:30`). */
export const WITH_OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

/**
 * A moment in time given as ISO-8601 with its UTC offset (SPEC 7: "timestamps are ISO-8601 with
 * offset"). Without one, `2026-12-01T09:00` means a different instant on every server time zone
 * (and a bare date is midnight of an unnamed zone), so it is a 400 naming the field, never a guess.
 * One rule for every timestamp the API reads: bodies, query filters and import rows (ADR 175).
 */
export function IsTimestampWithOffset(): PropertyDecorator {
  const valid = IsISO8601({ strict: true });
  const offset = Matches(WITH_OFFSET, { message: '$property must carry a UTC offset (Z or +hh:mm)' });
  return (target, property) => {
    valid(target, property);
    offset(target, property);
  };
}

/**
 * The end of a period (`to`, exclusive) must come after its start: `from=2026-12-01&to=2026-11-01`
 * was a 400 on two endpoints and an empty 200 on two others, which reads as "nothing happened"
 * (ADR 175). Only judged when both are valid timestamps; their own rules report the rest.
 */
export function IsAfter(startField: string): PropertyDecorator {
  return ValidateBy({
    name: 'isAfter',
    constraints: [startField],
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const start = (args?.object as Record<string, unknown> | undefined)?.[startField];
        if (typeof value !== 'string' || typeof start !== 'string') return true;
        const [from, to] = [Date.parse(start), Date.parse(value)];
        return Number.isNaN(from) || Number.isNaN(to) || to > from;
      },
      defaultMessage: () => `$property must be after ${startField}`,
    },
  });
}
