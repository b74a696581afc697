import { Alert, Button, Grid, Stack, TextField } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, problemText, unwrap } from '../../api/client';
import { DiffView } from '../../components/DiffView';
import { PersonPicker } from '../../components/PersonPicker';
import type { Identity, Role } from '../../lib/catalog';
import { RolePicker } from './RolePicker';

const FIELDS = [
  ['key', 'Employee id', 'From HR, e.g. E1001'],
  ['name', 'Full name', ''],
  ['username', 'Username', 'As in the sign-in directory'],
  ['email', 'Email', ''],
  ['department', 'Department', ''],
  ['title', 'Job title', ''],
] as const;

type Field = (typeof FIELDS)[number][0];

/** A new starter: who they are, their manager, start date, roles from the catalog, and why. */
export function JoinerForm({ roles }: { roles: Role[] }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [fields, setFields] = useState<Record<Field, string>>({ key: '', name: '', username: '', email: '', department: '', title: '' });
  const [manager, setManager] = useState<Identity | null>(null);
  const [startDate, setStartDate] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [justification, setJustification] = useState('');
  const submit = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/requests/joiner', {
          body: {
            identity: { ...fields, manager: manager?.key ?? '', startDate },
            roles: chosen,
            justification: justification.trim(),
          },
        }),
      ),
    onSuccess: async (res) => {
      await qc.invalidateQueries({ queryKey: ['requests'] });
      void navigate(`/requests/${res.id}`);
    },
  });
  const toggle = (k: string) => setChosen((c) => (c.includes(k) ? c.filter((x) => x !== k) : [...c, k]));
  const add = roles.filter((r) => chosen.includes(r.key)).flatMap((r) => r.entitlements);
  const unique = [...new Map(add.map((e) => [`${e.system}/${e.entitlement}`, e])).values()];
  return (
    <Stack
      component="form"
      aria-label="New starter"
      spacing={3}
      onSubmit={(e) => {
        e.preventDefault();
        submit.mutate();
      }}
    >
      <Grid container spacing={2}>
        {FIELDS.map(([k, label, hint]) => (
          <Grid key={k} size={{ xs: 12, md: 6 }}>
            <TextField
              label={label}
              helperText={hint || undefined}
              value={fields[k]}
              onChange={(e) => setFields((f) => ({ ...f, [k]: e.target.value }))}
              required
              fullWidth
              type={k === 'email' ? 'email' : 'text'}
            />
          </Grid>
        ))}
        <Grid size={{ xs: 12, md: 6 }}>
          <PersonPicker label="Manager" value={manager} onChange={setManager} required helperText="Approves the request as the manager" />
        </Grid>
        <Grid size={{ xs: 12, md: 6 }}>
          <TextField label="Start date" type="date" value={startDate} onChange={(e) => setStartDate(e.target.value)} required fullWidth slotProps={{ inputLabel: { shrink: true } }} />
        </Grid>
      </Grid>
      <RolePicker roles={roles} selected={chosen} onToggle={toggle} legend="Roles (what the person needs to do the job)" />
      <DiffView diff={{ add: unique, remove: [] }} title="Access this request will give" />
      <TextField label="Why does this person need this access?" value={justification} onChange={(e) => setJustification(e.target.value)} required multiline minRows={2} slotProps={{ htmlInput: { maxLength: 2000 } }} />
      {submit.isError && <Alert severity="error">{problemText(submit.error)}</Alert>}
      <Button type="submit" variant="contained" disabled={submit.isPending || chosen.length === 0 || !manager} sx={{ alignSelf: 'flex-start' }}>
        Send for approval
      </Button>
    </Stack>
  );
}
