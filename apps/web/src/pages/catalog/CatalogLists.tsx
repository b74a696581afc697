import { Alert, Button, Chip, Link } from '@mui/material';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link as RouterLink } from 'react-router';
import { api, problemText, unwrap, type Schemas } from '../../api/client';
import { DataTable, type Column } from '../../components/DataTable';
import { useRoles, useSystems, type Role, type System } from '../../lib/catalog';
import { hasRole, useMe } from '../../lib/me';
import { CHANNEL_WORDS, RISK_WORDS, words } from '../../lib/words';

type SodRule = Schemas['SodRulePage']['items'][number];

const SYSTEM_COLUMNS: Column<System>[] = [
  { header: 'System', cell: (s) => `${s.name} (${s.key})` },
  { header: 'Owners', cell: (s) => s.owners.join(', ') },
  { header: 'How tasks reach them', cell: (s) => words(CHANNEL_WORDS, s.channel) },
  { header: "Deadline to remove a leaver's access", cell: (s) => `${s.deprovisionSlaHours} hours` },
  {
    header: 'Entitlements',
    cell: (s) =>
      s.entitlements.map((e) => (
        <Chip key={e.key} size="small" sx={{ mr: 0.5, mb: 0.5 }} label={`${e.name}${e.privileged ? ' · privileged' : ''}`} color={e.privileged ? 'error' : 'default'} variant="outlined" />
      )),
  },
];

const ROLE_COLUMNS: Column<Role>[] = [
  {
    header: 'Role',
    cell: (r) => (
      <Link component={RouterLink} to={`/catalog/roles/${encodeURIComponent(r.key)}`}>
        {r.name} ({r.key})
      </Link>
    ),
  },
  { header: 'Risk', cell: (r) => words(RISK_WORDS, r.risk) },
  { header: 'Owner', cell: (r) => r.owner },
  { header: 'Grants', cell: (r) => r.entitlements.map((e) => `${e.system}: ${e.entitlement}`).join(', ') },
  { header: 'Version', cell: (r) => r.latestVersion },
];

const SOD_COLUMNS: Column<SodRule>[] = [
  { header: 'Rule', cell: (r) => `${r.name} (${r.key})` },
  { header: 'Severity', cell: (r) => r.severity },
  { header: 'At request time', cell: (r) => (r.action === 'block' ? 'Refused' : 'Needs two different approvers') },
  { header: 'Conflicting sides', cell: (r) => r.sets.map((s) => [...s.roles, ...s.entitlements.map((e) => `${e.system}: ${e.entitlement}`)].join(' or ')).join(' versus ') },
  { header: 'In force', cell: (r) => (r.status === 'retired' ? 'Retired' : 'Yes') },
];

export function SystemsList() {
  const systems = useSystems();
  return <DataTable query={systems} what="systems" label="Systems" rows={systems.data ?? []} rowKey={(s) => s.key} columns={SYSTEM_COLUMNS} empty="No systems in the catalog yet." />;
}

export function RolesList() {
  const roles = useRoles();
  return <DataTable query={roles} what="roles" label="Roles" rows={roles.data ?? []} rowKey={(r) => r.key} columns={ROLE_COLUMNS} empty="No roles in the catalog yet." />;
}

/** Admin only: retire a rule in force (it stops applying; the rule and its history stay readable). */
function RetireRule({ rule }: { rule: SodRule }) {
  const qc = useQueryClient();
  const retire = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/sod-rules/{key}', { params: { path: { key: rule.key } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['sod-rules'] }),
  });
  if (rule.status === 'retired') return null;
  return (
    <>
      <Button size="small" color="error" variant="outlined" disabled={retire.isPending} onClick={() => retire.mutate()} aria-label={`Retire rule ${rule.key}`}>
        Retire
      </Button>
      {retire.isError && <Alert severity="error">{problemText(retire.error)}</Alert>}
    </>
  );
}

export function SodRulesList() {
  const admin = hasRole(useMe(), 'admin');
  const rules = useQuery({ queryKey: ['sod-rules'], queryFn: () => unwrap(api.GET('/api/v1/sod-rules', { params: { query: { limit: 500, status: 'all' } } })) });
  return (
    <DataTable
      query={rules}
      what="separation-of-duties rules"
      label="Separation-of-duties rules"
      rows={rules.data?.items ?? []}
      rowKey={(r) => r.key}
      columns={admin ? [...SOD_COLUMNS, { header: 'Actions', cell: (r) => <RetireRule rule={r} /> }] : SOD_COLUMNS}
      empty="No separation-of-duties rules yet."
    />
  );
}
