import { Alert, Box, Button, FormControlLabel, Grid, List, ListItem, Radio, RadioGroup, Stack, TextField, Typography } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, problemText, unwrap } from '../../api/client';
import { DiffView } from '../../components/DiffView';
import { PersonPicker } from '../../components/PersonPicker';
import { QueryView } from '../../components/States';
import { useZonedTime, ZonedTimeField } from '../../components/ZonedTimeField';
import { useIdentity, type Identity, type IdentityDetail, type Role } from '../../lib/catalog';
import { formatDate, formatTime } from '../../lib/time';
import { previewMoverDiff } from './mover-diff';
import { RolePicker } from './RolePicker';

function CurrentAccess({ person }: { person: IdentityDetail }) {
  return (
    <Box component="section" aria-label="Current access">
      <Typography variant="h6" component="h3">
        What {person.name} has now
      </Typography>
      {person.access.length === 0 ? (
        <Typography>No access recorded.</Typography>
      ) : (
        <List dense>
          {person.access.map((a) => (
            <ListItem key={`${a.role}-${a.system}`} disableGutters>
              {a.role} on {a.system}: {a.entitlements.join(', ')} — {a.provenance === 'imported' ? 'imported, never approved here' : `approved by ${a.approvedBy.join(', ') || '—'}`}, since {formatDate(a.grantedAt)}
            </ListItem>
          ))}
        </List>
      )}
    </Box>
  );
}

function MoverDetails({ person, roles }: { person: IdentityDetail; roles: Role[] }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const held = [...new Set(person.access.map((a) => a.role))];
  const [add, setAdd] = useState<string[]>([]);
  const [remove, setRemove] = useState<string[]>([]);
  const [department, setDepartment] = useState('');
  const [title, setTitle] = useState('');
  const [manager, setManager] = useState<Identity | null>(null);
  const [justification, setJustification] = useState('');
  const [dated, setDated] = useState(false);
  const time = useZonedTime(Date.now() + 86_400_000);
  const effectiveAt = dated ? time.iso : null;
  const toggle = (set: typeof setAdd) => (k: string) => set((c) => (c.includes(k) ? c.filter((x) => x !== k) : [...c, k]));
  const diff = previewMoverDiff(person, roles, add, remove);
  const changes = { ...(department.trim() ? { department: department.trim() } : {}), ...(title.trim() ? { title: title.trim() } : {}), ...(manager ? { manager: manager.key } : {}) };
  const submit = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/requests/mover', { body: { identity: person.key, addRoles: add, removeRoles: remove, changes, justification: justification.trim(), ...(effectiveAt ? { effectiveAt } : {}) } })),
    onSuccess: async (res) => {
      await qc.invalidateQueries({ queryKey: ['requests'] });
      void navigate(`/requests/${res.id}`);
    },
  });
  const nothing = add.length === 0 && remove.length === 0 && Object.keys(changes).length === 0;
  return (
    <Stack
      component="form"
      aria-label="Change of job"
      spacing={3}
      onSubmit={(e) => {
        e.preventDefault();
        submit.mutate();
      }}
    >
      <CurrentAccess person={person} />
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 6 }}>
          <RolePicker roles={roles.filter((r) => !held.includes(r.key))} selected={add} onToggle={toggle(setAdd)} legend="Roles to add" />
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <RolePicker roles={roles.filter((r) => held.includes(r.key))} selected={remove} onToggle={toggle(setRemove)} legend="Roles to remove" />
        </Grid>
      </Grid>
      <Typography variant="h6" component="h3">
        Job changes (leave empty what stays)
      </Typography>
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 4 }}>
          <TextField label="New department" helperText={`Now: ${person.department ?? '—'}`} value={department} onChange={(e) => setDepartment(e.target.value)} fullWidth />
        </Grid>
        <Grid size={{ xs: 12, md: 4 }}>
          <TextField label="New job title" helperText={`Now: ${person.title ?? '—'}`} value={title} onChange={(e) => setTitle(e.target.value)} fullWidth />
        </Grid>
        <Grid size={{ xs: 12, md: 4 }}>
          <PersonPicker label="New manager" value={manager} onChange={setManager} helperText={`Now: ${person.manager ?? '—'}`} filter={(p) => p.key !== person.key} />
        </Grid>
      </Grid>
      <Box component="fieldset" sx={{ border: 0, p: 0, m: 0 }}>
        <Typography component="legend" variant="h6">
          When the change takes effect
        </Typography>
        <RadioGroup row value={dated ? 'later' : 'approved'} onChange={(e) => setDated(e.target.value === 'later')}>
          <FormControlLabel value="approved" control={<Radio />} label="As soon as it is approved" />
          <FormControlLabel value="later" control={<Radio />} label="From a date and time" />
        </RadioGroup>
        {dated && <ZonedTimeField label="Effective from" time={time} required />}
      </Box>
      <DiffView diff={diff} title="Access that will change (preview)" when={effectiveAt ? `From ${formatTime(effectiveAt)}.` : 'As soon as it is approved and carried out.'} />
      <TextField label="Why is this change needed?" value={justification} onChange={(e) => setJustification(e.target.value)} required multiline minRows={2} slotProps={{ htmlInput: { maxLength: 2000 } }} />
      {submit.isError && <Alert severity="error">{problemText(submit.error)}</Alert>}
      <Button type="submit" variant="contained" disabled={submit.isPending || nothing || (dated && !effectiveAt)} sx={{ alignSelf: 'flex-start' }}>
        Send for approval
      </Button>
    </Stack>
  );
}

/** A change of job: pick the person, see their access, choose roles to add and remove, preview the diff. */
export function MoverForm({ roles }: { roles: Role[] }) {
  const [person, setPerson] = useState<Identity | null>(null);
  const detail = useIdentity(person?.key);
  return (
    <Stack spacing={3}>
      <PersonPicker label="Person changing job" value={person} onChange={setPerson} required filter={(p) => p.status === 'active'} />
      {person && (
        <QueryView query={detail} what={`${person.name}'s access`}>
          {(d) => <MoverDetails key={d.key} person={d} roles={roles} />}
        </QueryView>
      )}
    </Stack>
  );
}
