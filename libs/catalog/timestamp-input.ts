import { Transform } from 'class-transformer';
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

/** A calendar day, `YYYY-MM-DD`. */
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** What a query filter takes: a day, or a date-time ending in its offset. */
export const DAY_OR_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}$|(Z|[+-]\d{2}:\d{2})$/;
/** For the OpenAPI description of every query filter that uses IsMomentFilter. */
export const MOMENT_FILTER_TEXT = 'ISO-8601 with offset, or a date YYYY-MM-DD meaning 00:00 UTC (Z) of that day';

/**
 * A moment in a query filter (`from`, `to`, `at`): as IsTimestampWithOffset, and also a bare date,
 * since auditors ask for periods in days. The day is rewritten to `YYYY-MM-DDT00:00:00Z` before
 * validation, so no process or PostgreSQL session time zone can move it; a date-time without an
 * offset stays a 400 (ADR 175). Bodies keep IsTimestampWithOffset: they schedule, they do not search.
 */
export function IsMomentFilter(): PropertyDecorator {
  const day = Transform(({ value }: { value: unknown }) => (typeof value === 'string' && DAY.test(value) ? `${value}T00:00:00Z` : value));
  const valid = IsISO8601({ strict: true });
  const offset = Matches(DAY_OR_WITH_OFFSET, { message: '$property must carry a UTC offset (Z or +hh:mm), or be a date (YYYY-MM-DD, 00:00 UTC)' });
  return (target, property) => {
    day(target, property);
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

/** How far ahead of this server's clock a moment may be and still count as "now": a client's clock runs a little ahead. */
export const CLOCK_SKEW_MS = 60_000;

/**
 * A moment that must not be in the future (`at` of the access report): the ledger knows the
 * access held up to now, and a later moment answered with today's access, labelled with a date
 * that has not happened (a scheduled leaver may yet remove it). A 400, never a guess.
 */
export function IsNotFuture(): PropertyDecorator {
  return ValidateBy({
    name: 'isNotFuture',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || Number.isNaN(Date.parse(value)) || Date.parse(value) <= Date.now() + CLOCK_SKEW_MS,
      defaultMessage: () => '$property must not be in the future: access is known up to now',
    },
  });
}

