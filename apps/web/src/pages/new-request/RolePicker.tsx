import { Box, Checkbox, Chip, FormControlLabel, FormGroup, Typography } from '@mui/material';
import type { Role } from '../../lib/catalog';
import { isPrivileged, useSystems } from '../../lib/catalog';
import { RISK_WORDS, words } from '../../lib/words';

const RISK_COLOR = { low: 'success', medium: 'warning', high: 'error' } as const;

/** Roles from the catalog, each with its risk and what it grants, as checkboxes. */
export function RolePicker({ roles, selected, onToggle, legend }: { roles: Role[]; selected: string[]; onToggle: (key: string) => void; legend: string }) {
  const systems = useSystems();
  return (
    <Box component="fieldset" sx={{ border: 0, p: 0, m: 0 }}>
      <Typography component="legend" variant="subtitle1" sx={{ mb: 1 }}>
        {legend}
      </Typography>
      {roles.length === 0 && <Typography color="text.secondary">No roles to choose.</Typography>}
      <FormGroup>
        {roles.map((r) => (
          <Box key={r.key} sx={{ mb: 1 }}>
            <FormControlLabel
              control={<Checkbox checked={selected.includes(r.key)} onChange={() => onToggle(r.key)} />}
              label={
                <span>
                  <strong>{r.name}</strong> ({r.key}){' '}
                  <Chip size="small" label={words(RISK_WORDS, r.risk)} color={RISK_COLOR[r.risk as keyof typeof RISK_COLOR] ?? 'default'} />
                </span>
              }
            />
            <Typography variant="body2" color="text.secondary" sx={{ ml: 4 }}>
              {r.description ? `${r.description}. ` : ''}Grants:{' '}
              {r.entitlements.map((e) => `${e.system}: ${e.entitlement}${isPrivileged(systems.data, e.system, e.entitlement) ? ' (privileged)' : ''}`).join(', ') || 'nothing'}
            </Typography>
          </Box>
        ))}
      </FormGroup>
    </Box>
  );
}
