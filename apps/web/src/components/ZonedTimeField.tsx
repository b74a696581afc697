import { Autocomplete, Grid, TextField } from '@mui/material';
import { useMemo, useState } from 'react';
import { formatTime, localInput, viewerZone, zonedIso, zones } from '../lib/time';

/** A wall-clock time in a chosen IANA time zone, and the ISO-8601 instant (with offset) it means. */
export interface ZonedTime {
  local: string;
  zone: string;
  /** What the API takes (`effectiveAt`, `at`): null while the field holds no valid time. */
  iso: string | null;
  setLocal: (v: string) => void;
  setZone: (v: string) => void;
}

export function useZonedTime(initialMs: number, zone = viewerZone()): ZonedTime {
  const [z, setZone] = useState(zone);
  const [local, setLocal] = useState(() => localInput(initialMs, zone));
  return { local, zone: z, iso: zonedIso(local, z), setLocal, setZone };
}

/**
 * Date, time and time zone side by side; the helper text shows what will be sent and the same
 * instant in the viewer's zone, so a time typed for another office is never misread.
 */
export function ZonedTimeField({ label, time, required }: { label: string; time: ZonedTime; required?: boolean }) {
  const allZones = useMemo(zones, []);
  return (
    <Grid container spacing={2}>
      <Grid size={{ xs: 12, md: 6 }}>
        <TextField
          label={label}
          type="datetime-local"
          value={time.local}
          onChange={(e) => time.setLocal(e.target.value)}
          required={required}
          fullWidth
          slotProps={{ inputLabel: { shrink: true } }}
          helperText={time.iso ? `Sent as ${time.iso} · in your time: ${formatTime(time.iso)}` : 'Pick a date and time'}
        />
      </Grid>
      <Grid size={{ xs: 12, md: 6 }}>
        <Autocomplete options={allZones} value={time.zone} onChange={(_, v) => v && time.setZone(v)} disableClearable renderInput={(p) => <TextField {...p} label="Time zone" />} />
      </Grid>
    </Grid>
  );
}
