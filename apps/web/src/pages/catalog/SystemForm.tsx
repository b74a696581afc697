import { Grid, MenuItem, Stack, TextField } from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { PeoplePicker } from '../../components/CatalogPickers';
import { QueryView } from '../../components/States';
import type { System } from '../../lib/catalog';
import { fieldState, FormProblems } from '../../lib/form-problems';
import { CHANNEL_WORDS } from '../../lib/words';
import { EntitlementRows, type EntitlementRow } from './EntitlementRows';
import { EDIT_SNAPSHOT, KeyNameFields, SaveBar } from './FormParts';

type Channel = System['channel'];
const CHANNELS: Channel[] = ['queue', 'webhook', 'email'];
const TARGET_LABEL: Partial<Record<Channel, [string, string]>> = {
  webhook: ['Helpdesk address (URL)', 'Where tickets are sent, e.g. https://helpdesk.example.org/api/tickets'],
  email: ['Shared inbox address', 'Where the task emails go, e.g. ehr-access@example.org'],
};
const FIELDS = ['key', 'name', 'owners', 'channel', 'target', 'deprovisionSlaHours', 'entitlements'];

interface Draft {
  key: string;
  name: string;
  owners: string[];
  channel: Channel;
  target: string;
  sla: string;
  entitlements: EntitlementRow[];
}

const EMPTY: Draft = { key: '', name: '', owners: [], channel: 'queue', target: '', sla: '8', entitlements: [{ key: '', name: '', privileged: false }] };

const draftOf = (s: System): Draft => ({
  key: s.key,
  name: s.name,
  owners: s.owners,
  channel: s.channel,
  target: s.target ?? '',
  sla: String(s.deprovisionSlaHours),
  entitlements: s.entitlements.map((e) => ({ ...e })),
});

/**
 * The body the API takes: the target only for channels that have one. Hours that are not a whole
 * number go as typed, so the API's own rule names the problem beside the field (one rule, one place).
 */
function bodyOf(d: Draft) {
  const text = d.sla.trim();
  const sla = /^\d+$/.test(text) ? Number(text) : (text as unknown as number);
  return { name: d.name, owners: d.owners, channel: d.channel, target: d.channel === 'queue' ? null : d.target.trim(), deprovisionSlaHours: sla, entitlements: d.entitlements };
}

const conflictWords = (creating: boolean) => (message: string) =>
  creating
    ? `Another system already uses this key: pick a different key, or edit that system instead. (${message})`
    : `Some access you removed is still given by a role or held by someone; keep it, or change those roles first. (${message})`;

function SystemFields({ initial, creating }: { initial: Draft; creating: boolean }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const [d, setD] = useState(initial);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const save = useMutation({
    mutationFn: () =>
      creating
        ? unwrap(api.POST('/api/v1/systems', { body: { key: d.key, ...bodyOf(d) } }))
        : unwrap(api.PUT('/api/v1/systems/{key}', { params: { path: { key: d.key } }, body: bodyOf(d) })),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['systems'] });
      void navigate('/catalog/systems');
    },
  });
  const problems = new FormProblems(save.error);
  const target = TARGET_LABEL[d.channel];
  return (
    <Stack component="form" aria-label={creating ? 'New system' : `Edit system ${d.key}`} spacing={3} noValidate onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
      <Grid container spacing={2}>
        <KeyNameFields keyValue={d.key} name={d.name} onKey={(key) => set({ key })} onName={(name) => set({ name })} creating={creating} problems={problems} example="ehr" />
        <Grid size={{ xs: 12 }}>
          <PeoplePicker label="Owners" value={d.owners} onChange={(owners) => set({ owners })} {...fieldState(problems, 'owners', 'They carry out and confirm access changes, and may approve them')} />
        </Grid>
        <Grid size={{ xs: 12, md: 4 }}>
          <TextField select label="How tasks reach the owners" value={d.channel} onChange={(e) => set({ channel: e.target.value as Channel })} fullWidth {...fieldState(problems, 'channel')}>
            {CHANNELS.map((c) => (
              <MenuItem key={c} value={c}>
                {CHANNEL_WORDS[c][0].toUpperCase() + CHANNEL_WORDS[c].slice(1)}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid size={{ xs: 12, md: 5 }}>
          {target && <TextField label={target[0]} value={d.target} onChange={(e) => set({ target: e.target.value })} required fullWidth {...fieldState(problems, 'target', target[1])} />}
        </Grid>
        <Grid size={{ xs: 12, md: 3 }}>
          <TextField label="Hours to remove a leaver's access" value={d.sla} onChange={(e) => set({ sla: e.target.value })} required fullWidth slotProps={{ htmlInput: { inputMode: 'numeric' } }} {...fieldState(problems, 'deprovisionSlaHours', 'The deadline for each removal task')} />
        </Grid>
      </Grid>
      <EntitlementRows rows={d.entitlements} onChange={(entitlements) => set({ entitlements })} problems={problems} />
      <SaveBar problems={problems} fields={FIELDS} conflict={conflictWords(creating)} pending={save.isPending} label={creating ? 'Add system' : 'Save changes'} cancelTo="/catalog/systems" />
    </Stack>
  );
}

/** Admin: add a system, or change one (name, owners, how tasks reach them, its entitlements). */
export default function SystemForm({ systemKey }: { systemKey?: string }) {
  const existing = useQuery({
    ...EDIT_SNAPSHOT,
    queryKey: ['system', systemKey],
    enabled: Boolean(systemKey),
    queryFn: () => unwrap(api.GET('/api/v1/systems/{key}', { params: { path: { key: systemKey as string } } })),
  });
  if (!systemKey) return <SystemFields initial={EMPTY} creating />;
  return <QueryView query={existing} what={`system ${systemKey}`}>{(s) => <SystemFields initial={draftOf(s)} creating={false} />}</QueryView>;
}
