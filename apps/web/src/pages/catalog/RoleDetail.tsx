import { Button, Paper, Stack, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Link as RouterLink } from 'react-router';
import { api, unwrap } from '../../api/client';
import { QueryView } from '../../components/States';
import { hasRole, myKey, useMe } from '../../lib/me';
import { formatTime } from '../../lib/time';
import { APPROVER_KIND_WORDS, RISK_WORDS, words } from '../../lib/words';

/** A role and every version of it (versions never change; requests name the one they were approved against). */
export function RoleDetail({ roleKey }: { roleKey: string }) {
  const me = useMe();
  const versions = useQuery({
    queryKey: ['role-versions', roleKey],
    queryFn: () => unwrap(api.GET('/api/v1/roles/{key}/versions', { params: { path: { key: roleKey } } })),
  });
  return (
    <QueryView query={versions} what={`the versions of ${roleKey}`}>
      {({ items: list }) => (
        <Stack spacing={2}>
          <Stack direction="row" spacing={2} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
            <Typography variant="h5" component="h2">
              Role {roleKey}: {list.length} version{list.length === 1 ? '' : 's'}
            </Typography>
            {/* Who may change a role: admins and the owner of its current version, as the API decides. */}
            {(hasRole(me, 'admin') || myKey(me) === list.find((v) => v.version === v.latestVersion)?.owner) && (
              <Button component={RouterLink} to={`/catalog/roles/${encodeURIComponent(roleKey)}/edit`} variant="contained">
                Change (makes version {(list.at(-1)?.latestVersion ?? list.length) + 1})
              </Button>
            )}
          </Stack>
          {[...list].reverse().map((v) => (
            <Paper key={v.version} variant="outlined" sx={{ p: 2 }} component="article" aria-label={`Version ${v.version}`}>
              <Typography variant="h6" component="h3">
                Version {v.version}: {v.name} · {words(RISK_WORDS, v.risk)}
              </Typography>
              <Typography>
                Made by {v.createdBy} on {formatTime(v.createdAt)}. Owner: {v.owner}.
              </Typography>
              <Typography>Grants: {v.entitlements.map((e) => `${e.system}: ${e.entitlement}`).join(', ') || 'nothing'}</Typography>
              <Typography>
                Approved by: {v.approvalPolicy.steps.map((s, i) => `${i + 1}. ${words(APPROVER_KIND_WORDS, s.kind)}${s.identity ? ` (${s.identity})` : ''}${s.group ? ` (${s.group})` : ''}${s.approvers > 1 ? `, ${s.approvers} people` : ''}`).join('; ')}
              </Typography>
            </Paper>
          ))}
        </Stack>
      )}
    </QueryView>
  );
}
