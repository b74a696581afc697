import { Alert, Box, Button, Grid, List, ListItem, TextField, Typography } from '@mui/material';
import { useState } from 'react';
import type { paths } from '../../api/schema';
import { PersonPicker } from '../../components/PersonPicker';
import type { Identity } from '../../lib/catalog';
import { viewerZone, zonedIso } from '../../lib/time';

type EvidenceQuery = NonNullable<paths['/api/v1/evidence']['get']['parameters']['query']>;

/** The address of the pack: a plain download with the session cookie (the browser saves the ZIP). */
export function evidenceUrl(q: EvidenceQuery): string {
  const params = new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
  return `/api/v1/evidence?${params.toString()}`;
}

/** One ZIP an auditor can check offline: every access change of a person, with the proof. */
export function EvidencePack() {
  const [person, setPerson] = useState<Identity | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const zone = viewerZone();
  const fromIso = from ? zonedIso(from, zone) : null;
  const toIso = to ? zonedIso(to, zone) : null;
  const bad = Boolean(fromIso && toIso && Date.parse(fromIso) >= Date.parse(toIso));
  return (
    <Box>
      <Typography sx={{ mb: 2 }}>
        The evidence pack is one ZIP file for one person and period: every change of their access with the request, the named approvers, the tickets and the
        owners' confirmations; the audit records behind them; and the signed checkpoint that proves none is missing or altered.
      </Typography>
      <Grid container spacing={2} component="form" aria-label="Evidence pack" onSubmit={(e) => e.preventDefault()}>
        <Grid size={{ xs: 12, md: 6 }}>
          <PersonPicker label="Person" value={person} onChange={setPerson} required />
        </Grid>
        <Grid size={{ xs: 12, md: 3 }}>
          <TextField label="From (optional, your time)" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} fullWidth slotProps={{ inputLabel: { shrink: true } }} />
        </Grid>
        <Grid size={{ xs: 12, md: 3 }}>
          <TextField label="Until (optional, your time)" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} fullWidth slotProps={{ inputLabel: { shrink: true } }} error={bad} helperText={bad ? '“Until” must be after “From”' : ' '} />
        </Grid>
        <Grid size={12}>
          {person && !bad ? (
            <Button variant="contained" href={evidenceUrl({ identity: person.key, from: fromIso ?? undefined, to: toIso ?? undefined })} download>
              Download evidence pack
            </Button>
          ) : (
            <Button variant="contained" disabled>
              Download evidence pack
            </Button>
          )}
        </Grid>
      </Grid>
      <Alert severity="info" variant="outlined" sx={{ mt: 3 }}>
        <strong>Checking it offline, without this service:</strong>
        <List dense>
          <ListItem>1. Unzip the file into an empty folder.</ListItem>
          <ListItem>
            2. Run <code>node verify.mjs</code> there (Node.js only, no packages, no network).
          </ListItem>
          <ListItem>3. It ends with “VERDICT: VERIFIED”, or names the file and row that was changed. summary.html is the readable version.</ListItem>
        </List>
      </Alert>
    </Box>
  );
}
