import { Alert, Grid, MenuItem, Stack, TextField } from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../api/client';
import { EntitlementChooser, PeoplePicker, type EntitlementRef } from '../../components/CatalogPickers';
import { QueryView } from '../../components/States';
import { useSystems, type Role, type System } from '../../lib/catalog';
import { fieldState, FormProblems } from '../../lib/form-problems';
import { RISK_WORDS } from '../../lib/words';
import { ApprovalStepsField, cleanStep, type Step } from './ApprovalStepsField';
import { EDIT_SNAPSHOT, KeyNameFields, SaveBar } from './FormParts';

type Risk = Role['risk'];
const FIELDS = ['key', 'name', 'description', 'owner', 'risk', 'entitlements', 'approvalPolicy'];

interface Draft {
  key: string;
  name: string;
  description: string;
  owner: string[];
  risk: Risk;
  entitlements: EntitlementRef[];
  steps: Step[];
}

const EMPTY: Draft = { key: '', name: '', description: '', owner: [], risk: 'low', entitlements: [], steps: [{ kind: 'manager', approvers: 1 }] };

const draftOf = (r: Role): Draft => ({
  key: r.key,
  name: r.name,
  description: r.description,
  owner: [r.owner],
  risk: r.risk,
  entitlements: r.entitlements,
  steps: r.approvalPolicy.steps.map((s) => ({ ...s, approvers: s.approvers === 2 ? 2 : 1 }) as Step),
});

const bodyOf = (d: Draft) => ({
  name: d.name,
  description: d.description,
  owner: d.owner[0] ?? '',
  risk: d.risk,
  entitlements: d.entitlements,
  approvalPolicy: { steps: d.steps.map(cleanStep) },
});

const conflictWords = (creating: boolean) => (message: string) =>
  creating
    ? `Another role already uses this key: pick a different key, or edit that role instead. (${message})`
    : `Someone saved a newer version of this role while you were editing. Open the role again to see it, then make your change on top. (${message})`;

function RoleFields({ initial, version, systems }: { initial: Draft; version?: number; systems: System[] }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const creating = version === undefined;
  const [d, setD] = useState(initial);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const save = useMutation({
    mutationFn: () =>
      creating
        ? unwrap(api.POST('/api/v1/roles', { body: { key: d.key, ...bodyOf(d) } }))
        : unwrap(api.PUT('/api/v1/roles/{key}', { params: { path: { key: d.key } }, body: { ...bodyOf(d), expectedVersion: version } })),
    onSuccess: async (saved) => {
      await Promise.all([qc.invalidateQueries({ queryKey: ['roles'] }), qc.invalidateQueries({ queryKey: ['role-versions', saved.key] })]);
      void navigate(`/catalog/roles/${encodeURIComponent(saved.key)}`);
    },
  });
  const problems = new FormProblems(save.error);
  return (
    <Stack component="form" aria-label={creating ? 'New role' : `Edit role ${d.key}`} spacing={3} noValidate onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
      {!creating && <Alert severity="info">Saving makes version {version + 1}. Version {version} and earlier stay as they were: requests approved against them keep pointing to them.</Alert>}
      <Grid container spacing={2}>
        <KeyNameFields keyValue={d.key} name={d.name} onKey={(key) => set({ key })} onName={(name) => set({ name })} creating={creating} problems={problems} example="rn-inpatient" />
        <Grid size={{ xs: 12 }}>
          <TextField label="What the role is for" value={d.description} onChange={(e) => set({ description: e.target.value })} fullWidth multiline {...fieldState(problems, 'description', 'Shown to requesters when they pick roles')} />
        </Grid>
        <Grid size={{ xs: 12, md: 8 }}>
          <PeoplePicker single label="Owner" value={d.owner} onChange={(owner) => set({ owner })} required {...fieldState(problems, 'owner', 'Answers for the role; may change it and may be asked to approve')} />
        </Grid>
        <Grid size={{ xs: 12, md: 4 }}>
          <TextField select label="Risk" value={d.risk} onChange={(e) => set({ risk: e.target.value as Risk })} fullWidth {...fieldState(problems, 'risk')}>
            {Object.entries(RISK_WORDS).map(([k, w]) => (
              <MenuItem key={k} value={k}>
                {w}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid size={{ xs: 12 }}>
          <EntitlementChooser label="Access it gives" systems={systems} value={d.entitlements} onChange={(entitlements) => set({ entitlements })} required {...fieldState(problems, 'entitlements', 'Pick from the systems in the catalog')} />
        </Grid>
      </Grid>
      <ApprovalStepsField steps={d.steps} onChange={(steps) => set({ steps })} problems={problems} />
      <SaveBar problems={problems} fields={FIELDS} conflict={conflictWords(creating)} pending={save.isPending} label={creating ? 'Add role' : `Save as version ${version + 1}`} cancelTo={creating ? '/catalog/roles' : `/catalog/roles/${encodeURIComponent(d.key)}`} />
    </Stack>
  );
}

/** Add a role, or change one: every save is a new version; the history stays readable. */
export default function RoleForm({ roleKey }: { roleKey?: string }) {
  const systems = useSystems();
  const existing = useQuery({
    ...EDIT_SNAPSHOT,
    queryKey: ['role', roleKey],
    enabled: Boolean(roleKey),
    queryFn: () => unwrap(api.GET('/api/v1/roles/{key}', { params: { path: { key: roleKey as string } } })),
  });
  return (
    <QueryView query={systems} what="the systems">
      {(list) =>
        roleKey ? (
          <QueryView query={existing} what={`role ${roleKey}`}>
            {(r) => <RoleFields initial={draftOf(r)} version={r.version} systems={list} />}
          </QueryView>
        ) : (
          <RoleFields initial={EMPTY} systems={list} />
        )
      }
    </QueryView>
  );
}
