import { Alert, Button, FormControlLabel, MenuItem, Radio, RadioGroup, Stack, TextField, Typography } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link as RouterLink } from 'react-router';
import { api, problemText, unwrap } from '../../api/client';
import { PersonPicker } from '../../components/PersonPicker';
import { useZonedTime, ZonedTimeField } from '../../components/ZonedTimeField';
import type { Identity } from '../../lib/catalog';
import { formatTime } from '../../lib/time';
import { REASON_WORDS } from '../../lib/words';

type Reason = 'voluntary' | 'involuntary' | 'for_cause';

/**
 * HR's leaver form: the person, the reason, and when (now, or a date and time in a chosen time
 * zone, sent with its offset). A for-cause leaver is always immediate, and the form says so.
 */
export function LeaverForm() {
  const qc = useQueryClient();
  const [person, setPerson] = useState<Identity | null>(null);
  const [reason, setReason] = useState<Reason>('voluntary');
  const [when, setWhen] = useState<'now' | 'later'>('now');
  const time = useZonedTime(Date.now() + 3_600_000);
  const [justification, setJustification] = useState('');
  const forCause = reason === 'for_cause';
  const effectiveAt = when === 'later' && !forCause ? time.iso : null;
  const submit = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/requests/leaver', {
          body: { identity: person?.key ?? '', reason, ...(effectiveAt ? { effectiveAt } : {}), ...(justification.trim() ? { justification: justification.trim() } : {}) },
        }),
      ),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['requests'] });
    },
  });
  return (
    <Stack
      component="form"
      aria-label="Leaver"
      spacing={2}
      onSubmit={(e) => {
        e.preventDefault();
        submit.mutate();
      }}
    >
      <PersonPicker label="Person leaving" value={person} onChange={setPerson} required filter={(p) => p.status !== 'terminated'} />
      <TextField select label="Reason" value={reason} onChange={(e) => setReason(e.target.value as Reason)}>
        {(Object.keys(REASON_WORDS) as Reason[]).map((r) => (
          <MenuItem key={r} value={r}>
            {REASON_WORDS[r]}
          </MenuItem>
        ))}
      </TextField>
      {forCause && (
        <Alert severity="warning">
          Dismissal for cause takes effect immediately: all access is removed now and the system owners get urgent tasks. It cannot be scheduled or undone.
        </Alert>
      )}
      {!forCause && (
        <RadioGroup row value={when} onChange={(e) => setWhen(e.target.value as 'now' | 'later')} aria-label="When access ends">
          <FormControlLabel value="now" control={<Radio />} label="Now" />
          <FormControlLabel value="later" control={<Radio />} label="At a date and time" />
        </RadioGroup>
      )}
      {when === 'later' && !forCause && <ZonedTimeField label="Last moment of access" time={time} required />}
      <TextField label="Note (optional)" value={justification} onChange={(e) => setJustification(e.target.value)} multiline minRows={2} slotProps={{ htmlInput: { maxLength: 2000 } }} />
      {submit.isError && <Alert severity="error">{problemText(submit.error)}</Alert>}
      {submit.isSuccess && (
        <Alert severity="success">
          {submit.data.status === 'scheduled' ? `Scheduled: access ends ${formatTime(submit.data.effectiveAt)}.` : 'Access is being removed now.'}{' '}
          <RouterLink to={`/requests/${submit.data.id}`}>Open the request</RouterLink>
        </Alert>
      )}
      <Typography variant="body2" color="text.secondary">
        The system owners receive a task for every system where the person has access, due within that system's deadline.
      </Typography>
      <Button type="submit" variant="contained" color={forCause ? 'error' : 'primary'} disabled={submit.isPending || !person || (when === 'later' && !forCause && !effectiveAt)} sx={{ alignSelf: 'flex-start' }}>
        {forCause ? 'Remove all access now' : when === 'now' ? 'Start leaver now' : 'Schedule leaver'}
      </Button>
    </Stack>
  );
}
