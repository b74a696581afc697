import { Box, Link, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import { Link as RouterLink } from 'react-router';
import { PrivilegedChip } from '../../components/Chips';
import { PersonLink } from '../../components/Person';
import { Empty, QueryView } from '../../components/States';
import { isPrivileged, useIdentity, usePeopleNames, useSystems } from '../../lib/catalog';
import { formatDate, formatTime } from '../../lib/time';
import { STATUS_WORDS, words } from '../../lib/words';

/** One person: who they are, and every access they hold with why (the request, who approved it, when). */
export function IdentityAccess({ identityKey }: { identityKey: string }) {
  const person = useIdentity(identityKey);
  const systems = useSystems();
  const approvers = usePeopleNames(person.data?.access.flatMap((a) => a.approvedBy) ?? []);
  return (
    <QueryView query={person} what={`person ${identityKey}`}>
      {(p) => (
        <Box>
          <Typography variant="h5" component="h2">
            {p.name} ({p.key})
          </Typography>
          <Typography>
            {p.title ?? '—'}, {p.department ?? '—'}. Manager: {p.manager ? <PersonLink id={p.manager} /> : '—'}. Record: {words(STATUS_WORDS, p.status === 'active' ? 'active' : p.status)}{' '}
            {p.status === 'terminated' ? `(left ${formatDate(p.endDate)})` : p.startDate ? `(since ${formatDate(p.startDate)})` : ''}.
          </Typography>
          <Typography>
            <Link component={RouterLink} to={`/requests?identity=${encodeURIComponent(p.key)}`}>
              Requests about {p.name}
            </Link>
          </Typography>
          <Typography variant="h6" component="h3" sx={{ mt: 2 }}>
            Access and why
          </Typography>
          {p.access.length === 0 ? (
            <Empty>{p.name} holds no access.</Empty>
          ) : (
            <TableContainer>
              <Table size="small" aria-label={`Access of ${p.name}`}>
                <TableHead>
                  <TableRow>
                    <TableCell>System</TableCell>
                    <TableCell>Access</TableCell>
                    <TableCell>Through role</TableCell>
                    <TableCell>Why</TableCell>
                    <TableCell>Since</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {p.access.map((a) => (
                    <TableRow key={`${a.assignmentId}-${a.system}`}>
                      <TableCell>{a.system}</TableCell>
                      <TableCell>
                        {a.entitlements.map((e) => (
                          <span key={e}>
                            {e} {isPrivileged(systems.data, a.system, e) && <PrivilegedChip />}{' '}
                          </span>
                        ))}
                      </TableCell>
                      <TableCell>
                        <Link component={RouterLink} to={`/catalog/roles/${encodeURIComponent(a.role)}`}>
                          {a.role}
                        </Link>{' '}
                        (version {a.roleVersion})
                      </TableCell>
                      <TableCell>
                        {a.provenance === 'imported' ? (
                          'Imported from the old records, never approved here'
                        ) : (
                          <>
                            <Link component={RouterLink} to={`/requests/${a.requestId}`}>
                              Requested
                            </Link>
                            , approved by {a.approvedBy.map((k) => approvers[k] ?? k).join(', ') || '—'}
                            {a.approvedAt && ` on ${formatTime(a.approvedAt)}`}
                          </>
                        )}
                      </TableCell>
                      <TableCell>{formatTime(a.grantedAt)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </TableContainer>
          )}
        </Box>
      )}
    </QueryView>
  );
}
