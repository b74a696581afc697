/** Times in the viewer's own time zone, always with the UTC offset shown (no guessing which zone). */

export const viewerZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'longOffset',
});

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** "in 3 hours", "2 days ago": how far a time is from now, in words. */
export function fromNow(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const ms = new Date(iso).getTime() - now;
  const abs = Math.abs(ms);
  const [n, unit] =
    abs < 3_600_000 ? [Math.round(abs / 60_000), 'minute'] : abs < 172_800_000 ? [Math.round(abs / 3_600_000), 'hour'] : [Math.round(abs / 86_400_000), 'day'];
  const words = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return ms >= 0 ? `in ${words}` : `${words} ago`;
}

/** The offset of `zone` at instant `utcMs`, in minutes east of UTC. */
export function zoneOffsetMinutes(zone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/**
 * A wall-clock time (`2027-01-04T09:30` from a datetime-local field) in `zone`, as ISO-8601 with
 * that zone's offset, which is what the API takes (`effectiveAt`). Null if the text is no time.
 */
export function zonedIso(local: string, zone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  // Two passes settle the offset around a daylight-saving change.
  let offset = zoneOffsetMinutes(zone, wall);
  offset = zoneOffsetMinutes(zone, wall - offset * 60_000);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00${offsetText(offset)}`;
}

/** `datetime-local` text for an instant, as seen in `zone`. */
export function localInput(utcMs: number, zone: string): string {
  const shifted = new Date(utcMs + zoneOffsetMinutes(zone, utcMs) * 60_000);
  return shifted.toISOString().slice(0, 16);
}

export function zones(): string[] {
  const all = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  const here = viewerZone();
  return all.includes(here) ? all : [here, ...all];
}
