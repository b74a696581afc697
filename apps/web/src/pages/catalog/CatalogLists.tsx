import { Chip, Link, Table, TableBody, TableCell, TableContainer, TableHead, TableRow } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Link as RouterLink } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Empty, QueryView } from '../../components/States';
import { useRoles, useSystems } from '../../lib/catalog';
import { CHANNEL_WORDS, RISK_WORDS, words } from '../../lib/words';

export function SystemsList() {
  const systems = useSystems();
  return (
    <QueryView query={systems} what="systems">
      {(list) =>
        list.length === 0 ? (
          <Empty>No systems in the catalog yet.</Empty>
        ) : (
          <TableContainer>
            <Table size="small" aria-label="Systems">
              <TableHead>
                <TableRow>
                  <TableCell>System</TableCell>
                  <TableCell>Owners</TableCell>
                  <TableCell>How tasks reach them</TableCell>
                  <TableCell>Deadline to remove a leaver's access</TableCell>
                  <TableCell>Entitlements</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {list.map((s) => (
                  <TableRow key={s.key}>
                    <TableCell>
                      {s.name} ({s.key})
                    </TableCell>
                    <TableCell>{s.owners.join(', ')}</TableCell>
                    <TableCell>{words(CHANNEL_WORDS, s.channel)}</TableCell>
                    <TableCell>{s.deprovisionSlaHours} hours</TableCell>
                    <TableCell>
                      {s.entitlements.map((e) => (
                        <Chip key={e.key} size="small" sx={{ mr: 0.5, mb: 0.5 }} label={`${e.name}${e.privileged ? ' · privileged' : ''}`} color={e.privileged ? 'error' : 'default'} variant="outlined" />
                      ))}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )
      }
    </QueryView>
  );
}

export function RolesList() {
  const roles = useRoles();
  return (
    <QueryView query={roles} what="roles">
      {(list) =>
        list.length === 0 ? (
          <Empty>No roles in the catalog yet.</Empty>
        ) : (
          <TableContainer>
            <Table size="small" aria-label="Roles">
              <TableHead>
                <TableRow>
                  <TableCell>Role</TableCell>
                  <TableCell>Risk</TableCell>
                  <TableCell>Owner</TableCell>
                  <TableCell>Grants</TableCell>
                  <TableCell>Version</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {list.map((r) => (
                  <TableRow key={r.key}>
                    <TableCell>
                      <Link component={RouterLink} to={`/catalog/roles/${encodeURIComponent(r.key)}`}>
                        {r.name} ({r.key})
                      </Link>
                    </TableCell>
                    <TableCell>{words(RISK_WORDS, r.risk)}</TableCell>
                    <TableCell>{r.owner}</TableCell>
                    <TableCell>{r.entitlements.map((e) => `${e.system}: ${e.entitlement}`).join(', ')}</TableCell>
                    <TableCell>{r.latestVersion}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )
      }
    </QueryView>
  );
}

export function SodRulesList() {
  const rules = useQuery({ queryKey: ['sod-rules'], queryFn: () => unwrap(api.GET('/api/v1/sod-rules', { params: { query: { limit: 500 } } })) });
  return (
    <QueryView query={rules} what="separation-of-duties rules">
      {(page) =>
        page.items.length === 0 ? (
          <Empty>No separation-of-duties rules yet.</Empty>
        ) : (
          <TableContainer>
            <Table size="small" aria-label="Separation-of-duties rules">
              <TableHead>
                <TableRow>
                  <TableCell>Rule</TableCell>
                  <TableCell>Severity</TableCell>
                  <TableCell>At request time</TableCell>
                  <TableCell>Conflicting sides</TableCell>
                  <TableCell>In force</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {page.items.map((r) => (
                  <TableRow key={r.key}>
                    <TableCell>
                      {r.name} ({r.key})
                    </TableCell>
                    <TableCell>{r.severity}</TableCell>
                    <TableCell>{r.action === 'block' ? 'Refused' : 'Needs two different approvers'}</TableCell>
                    <TableCell>{r.sets.map((s) => [...s.roles, ...s.entitlements.map((e) => `${e.system}: ${e.entitlement}`)].join(' or ')).join(' versus ')}</TableCell>
                    <TableCell>{r.status === 'retired' ? 'Retired' : 'Yes'}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )
      }
    </QueryView>
  );
}
