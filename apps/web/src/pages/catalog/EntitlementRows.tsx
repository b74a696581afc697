import { Box, Button, Checkbox, FormControlLabel, Stack, TextField, Typography } from '@mui/material';
import type { FormProblems } from '../../lib/form-problems';
import { fieldState } from '../../lib/form-problems';

export interface EntitlementRow {
  key: string;
  name: string;
  privileged: boolean;
}

/** The access a system offers, one row each: its key, a name people read, and "privileged". */
export function EntitlementRows({ rows, onChange, problems }: { rows: EntitlementRow[]; onChange: (rows: EntitlementRow[]) => void; problems: FormProblems }) {
  const set = (i: number, patch: Partial<EntitlementRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const whole = problems.at('entitlements');
  const wholeOnly = problems.list.filter((p) => p.path === 'entitlements').flatMap((p) => p.problems);
  return (
    <Box component="fieldset" sx={{ border: 0, p: 0, m: 0 }} aria-describedby={whole ? 'entitlements-problem' : undefined}>
      <Typography component="legend" variant="subtitle1" sx={{ mb: 1 }}>
        Access this system offers (entitlements)
      </Typography>
      {wholeOnly.length > 0 && (
        <Typography id="entitlements-problem" color="error" sx={{ mb: 1 }}>
          {wholeOnly.join('; ')}
        </Typography>
      )}
      <Stack spacing={1.5}>
        {rows.map((r, i) => (
          <Stack key={i} direction={{ xs: 'column', md: 'row' }} spacing={1} sx={{ alignItems: 'flex-start' }} role="group" aria-label={`Entitlement ${i + 1}`}>
            <TextField size="small" label="Entitlement key" value={r.key} onChange={(e) => set(i, { key: e.target.value })} required {...fieldState(problems, `entitlements.${i}.key`, 'e.g. order-meds')} />
            <TextField size="small" label="Entitlement name" value={r.name} onChange={(e) => set(i, { name: e.target.value })} required sx={{ flex: 1 }} {...fieldState(problems, `entitlements.${i}.name`, 'What people read')} />
            <FormControlLabel control={<Checkbox checked={r.privileged} onChange={(e) => set(i, { privileged: e.target.checked })} />} label="Privileged (admin-level)" />
            <Button color="error" onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={`Remove entitlement ${i + 1}`}>
              Remove
            </Button>
          </Stack>
        ))}
      </Stack>
      <Button sx={{ mt: 1 }} onClick={() => onChange([...rows, { key: '', name: '', privileged: false }])}>
        Add an entitlement
      </Button>
    </Box>
  );
}
