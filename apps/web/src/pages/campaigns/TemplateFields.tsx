import { Grid, MenuItem, TextField } from '@mui/material';
import { useState } from 'react';
import type { Schemas } from '../../api/client';
import { PersonPicker } from '../../components/PersonPicker';
import type { Identity } from '../../lib/catalog';

export type Template = Schemas['CampaignTemplateDto'];
type ScopeType = Template['scope']['type'];

const SCOPES: [ScopeType, string][] = [
  ['all', 'Everyone'],
  ['manager', "One manager's team"],
  ['system', 'One system'],
  ['role', 'One role'],
];
const REVIEWERS: [Template['reviewer'], string][] = [
  ['manager', "Each person's manager"],
  ['system_owner', 'The owners of each system'],
  ['role_owner', 'The owner of each role'],
];
/** What happens to items nobody decided by the deadline (libs/domain/certification.ts). */
export const DEADLINE_WORDS: Record<Template['deadlinePolicy'], string> = {
  escalate: 'Hand them to the reviewer’s manager',
  revoke: 'Remove the access',
  keep: 'Keep the access, marked not reviewed',
};

/** The campaign template being edited, its body for the API (null while incomplete), and the fields. */
export function useTemplate() {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<ScopeType>('all');
  const [scopeKey, setScopeKey] = useState('');
  const [reviewer, setReviewer] = useState<Template['reviewer']>('manager');
  const [fallback, setFallback] = useState<Identity | null>(null);
  const [deadlinePolicy, setPolicy] = useState<Template['deadlinePolicy']>('escalate');
  const complete = name.trim() && fallback && (scope === 'all' || scopeKey.trim());
  const template: Template | null = complete
    ? { name: name.trim(), scope: scope === 'all' ? { type: 'all' } : { type: scope, key: scopeKey.trim() }, reviewer, fallbackReviewer: fallback.key, deadlinePolicy }
    : null;
  const fields = (
    <Grid container spacing={2}>
      <Grid size={{ xs: 12, md: 6 }}>
        <TextField label="Campaign name" value={name} onChange={(e) => setName(e.target.value)} required fullWidth slotProps={{ htmlInput: { maxLength: 200 } }} />
      </Grid>
      <Grid size={{ xs: 12, md: 3 }}>
        <TextField select label="Whose access" value={scope} onChange={(e) => setScope(e.target.value as ScopeType)} fullWidth>
          {SCOPES.map(([k, label]) => (
            <MenuItem key={k} value={k}>
              {label}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
      <Grid size={{ xs: 12, md: 3 }}>
        <TextField label={scope === 'manager' ? 'Manager (employee id)' : scope === 'system' ? 'System key' : scope === 'role' ? 'Role key' : 'Key (not needed)'} value={scope === 'all' ? '' : scopeKey} disabled={scope === 'all'} onChange={(e) => setScopeKey(e.target.value)} required={scope !== 'all'} fullWidth />
      </Grid>
      <Grid size={{ xs: 12, md: 4 }}>
        <TextField select label="Who reviews" value={reviewer} onChange={(e) => setReviewer(e.target.value as Template['reviewer'])} fullWidth>
          {REVIEWERS.map(([k, label]) => (
            <MenuItem key={k} value={k}>
              {label}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
      <Grid size={{ xs: 12, md: 4 }}>
        <PersonPicker label="Reviewer when nobody else can" value={fallback} onChange={setFallback} required filter={(p) => p.status === 'active'} />
      </Grid>
      <Grid size={{ xs: 12, md: 4 }}>
        <TextField select label="Items undecided at the deadline" value={deadlinePolicy} onChange={(e) => setPolicy(e.target.value as Template['deadlinePolicy'])} fullWidth>
          {Object.entries(DEADLINE_WORDS).map(([k, label]) => (
            <MenuItem key={k} value={k}>
              {label}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
    </Grid>
  );
  return { template, fields };
}
