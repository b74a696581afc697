import { Box, Stack, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { CancelRequest } from '../../actions/CancelRequest';
import { LeaverActions } from '../../actions/LeaverActions';
import { StatusChip } from '../../components/Chips';
import { DiffView, SodFindings } from '../../components/DiffView';
import { Page } from '../../components/Page';
import { PersonLink } from '../../components/Person';
import { QueryView } from '../../components/States';
import { usePeopleNames } from '../../lib/catalog';
import { formatTime } from '../../lib/time';
import { KIND_WORDS, REASON_WORDS, words } from '../../lib/words';
import { OrgChanges } from '../approvals/ApprovalCard';
import { TaskCard } from '../tasks/TaskCard';
import { ApprovalSteps } from './ApprovalSteps';
import { Timeline } from './Timeline';

const FINAL = ['completed', 'rejected', 'cancelled'];

/** One request: status, who and why, the access diff, SoD, approvals, tasks and its timeline. */
export function RequestDetailPage() {
  const { id = '' } = useParams();
  const query = useQuery({
    queryKey: ['request', id],
    queryFn: () => unwrap(api.GET('/api/v1/requests/{id}', { params: { path: { id } } })),
    // While the workflow moves, keep the page current without a reload.
    refetchInterval: (q) => (q.state.data && FINAL.includes(q.state.data.status) ? false : 3000),
  });
  const r = query.data;
  const names = usePeopleNames(r ? [r.identity, r.requester] : []);
  const title = r ? `${words(KIND_WORDS, r.kind)}: ${names[r.identity]}` : 'Request';
  return (
    <Page title={title} actions={r && <StatusChip status={r.status} />}>
      <QueryView query={query} what="the request">
        {(r) => (
          <Stack spacing={3}>
            <Box>
              <Typography>
                Person: <PersonLink id={r.identity} name={names[r.identity]} />. Asked by <PersonLink id={r.requester} name={r.requesterName ?? names[r.requester]} /> on{' '}
                {formatTime(r.createdAt)}.
              </Typography>
              <Typography>
                <strong>Why:</strong> {r.justification ?? '—'}
              </Typography>
              {r.kind === 'leaver' && typeof r.changes.reason === 'string' && <Typography>Reason for leaving: {words(REASON_WORDS, r.changes.reason)}</Typography>}
              {r.effectiveAt && <Typography>Effective: {formatTime(r.effectiveAt)}</Typography>}
              {r.roles.length > 0 && <Typography>Roles asked for: {r.roleVersions.map((v) => `${v.role} (version ${v.version})`).join(', ')}</Typography>}
              {r.removeRoles.length > 0 && <Typography>Roles to remove: {r.removeRoles.join(', ')}</Typography>}
              {r.completedAt && <Typography>Closed on {formatTime(r.completedAt)}{r.outcome && ` — ${r.outcome}`}.</Typography>}
            </Box>
            {r.kind === 'leaver' ? (
              <LeaverActions requestId={r.id} status={r.status} requester={r.requester} />
            ) : (
              <CancelRequest request={{ ...r, doneTasks: r.tasks.filter((t) => t.status === 'done').length }} />
            )}
            <OrgChanges changes={r.changes} />
            <DiffView diff={r.diff} />
            {r.kind !== 'leaver' && <SodFindings findings={r.sodFindings} />}
            <ApprovalSteps request={r} />
            {r.tasks.length > 0 && (
              <section aria-labelledby="tasks-heading">
                <Typography variant="h6" component="h2" id="tasks-heading" gutterBottom>
                  Tasks
                </Typography>
                {r.tasks.map((t) => (
                  <TaskCard key={t.id} task={t} personName={names[t.identity]} showRequest={false} />
                ))}
              </section>
            )}
            <Timeline events={r.timeline} />
          </Stack>
        )}
      </QueryView>
    </Page>
  );
}
