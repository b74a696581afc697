/** Due-time arithmetic for downstream tasks. Pure: the caller passes "now" (workflow time). */

/** SPEC: "default: same business day"; modelled as one working day of 8 hours. */
export const DEFAULT_DEPROVISION_SLA_HOURS = 8;

const HOUR_MS = 3_600_000;

function toDate(at: string | number | Date): Date {
  const d = at instanceof Date ? new Date(at.getTime()) : new Date(at);
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a valid time: ${String(at)}`);
  return d;
}

/** When a revoke task started at `from` is due under a system's SLA, as an ISO-8601 UTC string. */
export function deprovisionDueAt(from: string | number | Date, slaHours: number | null | undefined): string {
  const hours = slaHours ?? DEFAULT_DEPROVISION_SLA_HOURS;
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`deprovisionSlaHours must be >= 0, got ${hours}`);
  return new Date(toDate(from).getTime() + hours * HOUR_MS).toISOString();
}

export function isOverdue(dueAt: string | number | Date, now: string | number | Date): boolean {
  return toDate(now).getTime() > toDate(dueAt).getTime();
}

/** Milliseconds left until due (negative once overdue). */
export function msUntilDue(dueAt: string | number | Date, now: string | number | Date): number {
  return toDate(dueAt).getTime() - toDate(now).getTime();
}

/** Whether the work finished within its SLA (the leaver report's met/breached). */
export function slaMet(dueAt: string | number | Date, completedAt: string | number | Date): boolean {
  return !isOverdue(dueAt, completedAt);
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: HOUR_MS, d: 24 * HOUR_MS };

/** Parses the config's duration format (`500ms`, `30s`, `15m`, `4h`, `2d`) into milliseconds. */
export function durationToMs(duration: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(duration.trim());
  if (!m) throw new RangeError(`not a duration: ${duration}`);
  return Number(m[1]) * UNIT_MS[m[2]];
}
