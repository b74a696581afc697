import { Alert, Box, List, ListItem, Paper, Stack, Typography } from '@mui/material';
import type { Schemas } from '../api/client';
import { isPrivileged, systemName, useSystems } from '../lib/catalog';
import { PrivilegedChip } from './Chips';

type Ref = Schemas['EntitlementRefDto'];

interface SystemChange {
  system: string;
  add: string[];
  remove: string[];
}

export function groupBySystem(add: Ref[], remove: Ref[]): SystemChange[] {
  const by = new Map<string, SystemChange>();
  const get = (s: string) => by.get(s) ?? (by.set(s, { system: s, add: [], remove: [] }).get(s) as SystemChange);
  for (const e of add) get(e.system).add.push(e.entitlement);
  for (const e of remove) get(e.system).remove.push(e.entitlement);
  return [...by.values()].sort((a, b) => a.system.localeCompare(b.system));
}

function Entries({ label, items, system, sign }: { label: string; items: string[]; system: string; sign: '+' | '−' }) {
  const systems = useSystems();
  if (items.length === 0) return null;
  return (
    <Box>
      <Typography variant="subtitle2" component="p" color={sign === '+' ? 'success.dark' : 'error.dark'}>
        {label}
      </Typography>
      <List dense disablePadding>
        {items.map((e) => (
          <ListItem key={e} disableGutters sx={{ gap: 1 }}>
            <span aria-hidden>{sign}</span>
            <span>{e}</span>
            {isPrivileged(systems.data, system, e) && <PrivilegedChip />}
          </ListItem>
        ))}
      </List>
    </Box>
  );
}

/** The access a request changes, per system: what is added and what is removed, privileged marked. */
export function DiffView({ diff, title = 'Access that changes', when }: { diff: { add: Ref[]; remove: Ref[] }; title?: string; when?: string }) {
  const systems = useSystems();
  const groups = groupBySystem(diff.add, diff.remove);
  return (
    <Box component="section" aria-label={title}>
      <Typography variant="h6" component="h3" gutterBottom>
        {title}
      </Typography>
      {when && <Typography sx={{ mb: 1 }}>{when}</Typography>}
      {groups.length === 0 ? (
        <Alert severity="info" variant="outlined">
          No access changes.
        </Alert>
      ) : (
        <Stack sx={{ flexWrap: 'wrap' }} direction={{ xs: 'column', md: 'row' }} spacing={2} useFlexGap>
          {groups.map((g) => (
            <Paper key={g.system} variant="outlined" sx={{ p: 1.5, minWidth: 220 }} data-testid={`diff-${g.system}`}>
              <Typography variant="subtitle1" component="h4">
                {systemName(systems.data, g.system)}
              </Typography>
              <Entries label="Added" items={g.add} system={g.system} sign="+" />
              <Entries label="Removed" items={g.remove} system={g.system} sign="−" />
            </Paper>
          ))}
        </Stack>
      )}
    </Box>
  );
}

export function SodFindings({ findings }: { findings: Schemas['SodFindingDto'][] }) {
  return (
    <Box component="section" aria-label="Separation of duties">
      <Typography variant="h6" component="h3" gutterBottom>
        Separation of duties
      </Typography>
      {findings.length === 0 ? (
        <Alert severity="success" variant="outlined">
          No conflicts: the person would not hold conflicting access.
        </Alert>
      ) : (
        findings.map((f) => (
          <Alert key={f.rule} severity={f.action === 'block' ? 'error' : 'warning'} sx={{ mb: 1 }}>
            <strong>{f.name}</strong> ({f.severity} severity):{' '}
            {f.action === 'block' ? 'this combination is not allowed.' : 'allowed only with two different approvers.'} Conflicting access:{' '}
            {f.matched.map((m) => [...m.roles, ...m.entitlements.map((e) => `${e.system}: ${e.entitlement}`)].join(', ')).join(' versus ')}
          </Alert>
        ))
      )}
    </Box>
  );
}
