import { Alert, Box, Button, FormControlLabel, Grid, MenuItem, Paper, Radio, RadioGroup, Stack, TextField, Typography } from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { EntitlementChooser, RoleChooser } from '../../components/CatalogPickers';
import { QueryView } from '../../components/States';
import { useRoles, useSystems, type Role, type System } from '../../lib/catalog';
import { fieldState, FormProblems } from '../../lib/form-problems';
import { EDIT_SNAPSHOT, KeyNameFields, SaveBar } from './FormParts';

type Body = Schemas['PutSodRuleInput'];
type Side = Body['sets'][number];
type Rule = Schemas['SodRuleResponse'];
const FIELDS = ['key', 'name', 'description', 'severity', 'action', 'sets'];
const SEVERITIES: [Body['severity'], string][] = [['low', 'Low'], ['medium', 'Medium'], ['high', 'High'], ['critical', 'Critical']];

interface Draft extends Body {
  key: string;
}

const EMPTY_SIDE: Side = { roles: [], entitlements: [] };
const EMPTY: Draft = { key: '', name: '', description: '', severity: 'high', action: 'block', sets: [EMPTY_SIDE, EMPTY_SIDE] };
const draftOf = (r: Rule): Draft => ({ key: r.key, name: r.name, description: r.description, severity: r.severity as Body['severity'], action: r.action as Body['action'], sets: r.sets });

const conflictWords = (creating: boolean) => (message: string) =>
  creating
    ? `Another rule already uses this key: pick a different key, or edit that rule instead. (${message})`
    : `This rule was changed or retired by someone else while you were editing. Open it again to see the current rule. (${message})`;

function SideField({ side, i, count, roles, systems, onChange, onRemove, problems }: { side: Side; i: number; count: number; roles: Role[]; systems: System[]; onChange: (s: Side) => void; onRemove: () => void; problems: FormProblems }) {
  const path = `sets.${i}`;
  const own = problems.list.filter((p) => p.path === path).flatMap((p) => p.problems);
  return (
    <Paper variant="outlined" sx={{ p: 2 }} role="group" aria-label={`Side ${i + 1}`}>
      <Stack spacing={2}>
        <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
          <Typography sx={{ minWidth: 60 }}>Side {i + 1}</Typography>
          <TextField size="small" label="Label (optional)" value={side.label ?? ''} onChange={(e) => onChange({ ...side, label: e.target.value || undefined })} {...fieldState(problems, `${path}.label`, 'e.g. Prescribing')} />
          {count > 2 && (
            <Button color="error" onClick={onRemove} aria-label={`Remove side ${i + 1}`}>
              Remove
            </Button>
          )}
        </Stack>
        <RoleChooser label="Roles on this side" roles={roles} value={side.roles} onChange={(r) => onChange({ ...side, roles: r })} {...fieldState(problems, `${path}.roles`)} />
        <EntitlementChooser label="Access on this side" systems={systems} value={side.entitlements} onChange={(e) => onChange({ ...side, entitlements: e })} {...fieldState(problems, `${path}.entitlements`)} />
        {own.length > 0 && <Typography color="error">{own.join('; ')}</Typography>}
      </Stack>
    </Paper>
  );
}

function RuleFields({ initial, revision, roles, systems }: { initial: Draft; revision?: number; roles: Role[]; systems: System[] }) {
  const navigate = useNavigate();
  const qc = useQueryClient();
  const creating = revision === undefined;
  const [d, setD] = useState(initial);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const { key, ...body } = d;
  const save = useMutation({
    mutationFn: () =>
      creating
        ? unwrap(api.POST('/api/v1/sod-rules', { body: d }))
        : unwrap(api.PUT('/api/v1/sod-rules/{key}', { params: { path: { key } }, body: { ...body, expectedRevision: revision } })),
    onSuccess: async () => {
      await qc.invalidateQueries({ queryKey: ['sod-rules'] });
      void navigate('/catalog/sod-rules');
    },
  });
  const problems = new FormProblems(save.error);
  return (
    <Stack component="form" aria-label={creating ? 'New conflict rule' : `Edit conflict rule ${key}`} spacing={3} noValidate onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
      <Grid container spacing={2}>
        <KeyNameFields keyValue={key} name={d.name} onKey={(k) => set({ key: k })} onName={(name) => set({ name })} creating={creating} problems={problems} example="rx-prescribe-dispense" nameHint="e.g. Prescribe and dispense" />
        <Grid size={{ xs: 12, md: 8 }}>
          <TextField label="Why these conflict" value={d.description} onChange={(e) => set({ description: e.target.value })} fullWidth multiline {...fieldState(problems, 'description', 'Shown to approvers and reviewers')} />
        </Grid>
        <Grid size={{ xs: 12, md: 4 }}>
          <TextField select label="Severity" value={d.severity} onChange={(e) => set({ severity: e.target.value as Body['severity'] })} fullWidth {...fieldState(problems, 'severity')}>
            {SEVERITIES.map(([k, w]) => (
              <MenuItem key={k} value={k}>
                {w}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
      </Grid>
      <Box component="fieldset" sx={{ border: 0, p: 0, m: 0 }}>
        <Typography component="legend" variant="subtitle1">
          When a request would give someone two sides
        </Typography>
        <RadioGroup value={d.action} onChange={(e) => set({ action: e.target.value as Body['action'] })}>
          <FormControlLabel value="block" control={<Radio />} label="Refuse the request" />
          <FormControlLabel value="require_dual_approval" control={<Radio />} label="Allow it only with two different approvers" />
        </RadioGroup>
      </Box>
      <Box component="fieldset" sx={{ border: 0, p: 0, m: 0 }}>
        <Typography component="legend" variant="subtitle1" sx={{ mb: 1 }}>
          The sides that conflict (holding any two is a conflict)
        </Typography>
        <Stack spacing={1}>
          {d.sets.map((s, i) => (
            <SideField key={i} side={s} i={i} count={d.sets.length} roles={roles} systems={systems} problems={problems} onChange={(n) => set({ sets: d.sets.map((x, j) => (j === i ? n : x)) })} onRemove={() => set({ sets: d.sets.filter((_, j) => j !== i) })} />
          ))}
        </Stack>
        {problems.list.some((p) => p.path === 'sets') && <Typography color="error">{problems.at('sets')}</Typography>}
        <Button sx={{ mt: 1 }} disabled={d.sets.length >= 10} onClick={() => set({ sets: [...d.sets, EMPTY_SIDE] })}>
          Add a side
        </Button>
      </Box>
      <SaveBar problems={problems} fields={FIELDS} conflict={conflictWords(creating)} pending={save.isPending} label={creating ? 'Add rule' : 'Save changes'} cancelTo="/catalog/sod-rules" />
    </Stack>
  );
}

/** Admin: add a separation-of-duties rule, or change one in force (retired rules stay as they were). */
export default function SodRuleForm({ ruleKey }: { ruleKey?: string }) {
  const roles = useRoles();
  const systems = useSystems();
  const existing = useQuery({
    ...EDIT_SNAPSHOT,
    queryKey: ['sod-rule', ruleKey],
    enabled: Boolean(ruleKey),
    queryFn: () => unwrap(api.GET('/api/v1/sod-rules/{key}', { params: { path: { key: ruleKey as string } } })),
  });
  const fields = (initial: Draft, revision?: number) => <RuleFields initial={initial} revision={revision} roles={roles.data ?? []} systems={systems.data ?? []} />;
  return (
    <QueryView query={systems} what="the systems">
      {() => (
        <QueryView query={roles} what="the roles">
          {() => (ruleKey ? <QueryView query={existing} what={`rule ${ruleKey}`}>{(r) => (r.status === 'retired' ? <Alert severity="info">This rule is retired: it no longer applies and can no longer be changed.</Alert> : fields(draftOf(r), r.revision))}</QueryView> : fields(EMPTY))}
        </QueryView>
      )}
    </QueryView>
  );
}
