import { Alert, Box, Button, Chip, Link, Stack } from '@mui/material';
import type { ReactNode } from 'react';
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

/** The admin's "add" button above a list; absent for everyone else (the API refuses them anyway). */
function AdminBar({ admin, to, label, children }: { admin: boolean; to: string; label: string; children: ReactNode }) {
  return (
    <Box>
      {admin && (
        <Stack direction="row" sx={{ mb: 2 }}>
          <Button component={RouterLink} to={to} variant="contained">
            {label}
          </Button>
        </Stack>
      )}
      {children}
    </Box>
  );
}

function EditLink({ to, what }: { to: string; what: string }) {
  return (
    <Button component={RouterLink} to={to} size="small" variant="outlined" aria-label={`Edit ${what}`}>
      Edit
    </Button>
  );
}

export function SystemsList() {
  const admin = hasRole(useMe(), 'admin');
  const systems = useSystems();
  const edit: Column<System> = { header: 'Actions', cell: (s) => <EditLink to={`/catalog/systems/${encodeURIComponent(s.key)}/edit`} what={`system ${s.key}`} /> };
  return (
    <AdminBar admin={admin} to="/catalog/new/systems" label="Add a system">
      <DataTable query={systems} what="systems" label="Systems" rows={systems.data ?? []} rowKey={(s) => s.key} columns={admin ? [...SYSTEM_COLUMNS, edit] : SYSTEM_COLUMNS} empty="No systems in the catalog yet." />
    </AdminBar>
  );
}

export function RolesList() {
  const admin = hasRole(useMe(), 'admin');
  const roles = useRoles();
  return (
    <AdminBar admin={admin} to="/catalog/new/roles" label="Add a role">
      <DataTable query={roles} what="roles" label="Roles" rows={roles.data ?? []} rowKey={(r) => r.key} columns={ROLE_COLUMNS} empty="No roles in the catalog yet." />
    </AdminBar>
  );
}

/** Admin only: change or retire a rule in force (retiring stops it applying; the rule and its history stay readable). */
function RuleActions({ rule }: { rule: SodRule }) {
  const qc = useQueryClient();
  const retire = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/sod-rules/{key}', { params: { path: { key: rule.key } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['sod-rules'] }),
  });
  if (rule.status === 'retired') return null;
  return (
    <>
      <EditLink to={`/catalog/sod-rules/${encodeURIComponent(rule.key)}/edit`} what={`rule ${rule.key}`} />{' '}
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
    <AdminBar admin={admin} to="/catalog/new/sod-rules" label="Add a conflict rule">
      <DataTable
        query={rules}
        what="separation-of-duties rules"
        label="Separation-of-duties rules"
        rows={rules.data?.items ?? []}
        rowKey={(r) => r.key}
        columns={admin ? [...SOD_COLUMNS, { header: 'Actions', cell: (r) => <RuleActions rule={r} /> }] : SOD_COLUMNS}
        empty="No separation-of-duties rules yet."
      />
    </AdminBar>
  );
}
