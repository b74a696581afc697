import { Box, Card, CardContent, Link, Stack, Typography } from '@mui/material';
import { Link as RouterLink } from 'react-router';
import type { Schemas } from '../../api/client';
import { AttestForm } from '../../actions/AttestForm';
import { OverdueChip, StatusChip, UrgentChip } from '../../components/Chips';
import { PersonLink } from '../../components/Person';
import { isPrivileged, systemName, useSystems } from '../../lib/catalog';
import { formatTime, fromNow } from '../../lib/time';
import { CHANNEL_WORDS, words } from '../../lib/words';

type Task = Schemas['TaskDto'];

/** One downstream task: what to do on which system for whom, by when, then the attestation. */
export function TaskCard({ task, personName, showRequest = true }: { task: Task; personName?: string; showRequest?: boolean }) {
  const systems = useSystems();
  const verb = task.action === 'grant' ? 'Give' : 'Remove';
  return (
    <Card variant="outlined" component="article" aria-labelledby={`task-${task.id}`} sx={{ mb: 2 }}>
      <CardContent>
        <Stack spacing={1}>
          <Stack sx={{ alignItems: 'center', flexWrap: 'wrap' }} direction="row" spacing={1} useFlexGap>
            <Typography variant="h6" component="h2" id={`task-${task.id}`}>
              {verb} access on {systemName(systems.data, task.system)}
            </Typography>
            <StatusChip status={task.status} />
            {task.overdue && <OverdueChip />}
            {task.urgent && <UrgentChip />}
          </Stack>
          <Typography>
            For <PersonLink id={task.identity} name={personName} />: {task.entitlements.map((e) => `${e}${isPrivileged(systems.data, task.system, e) ? ' (privileged)' : ''}`).join(', ')}
          </Typography>
          <Typography>
            Due {formatTime(task.dueAt)} ({fromNow(task.dueAt)}). Sent as a {words(CHANNEL_WORDS, task.channel)}
            {task.externalRef && `, ticket ${task.externalRef}`}.
          </Typography>
          {task.status === 'done' && (
            <Typography>
              Confirmed by {task.completedByName ?? task.completedBy} on {formatTime(task.completedAt)}: “{task.note}”
            </Typography>
          )}
          {showRequest && (
            <Box>
              <Link component={RouterLink} to={`/requests/${task.requestId}`}>
                Open the request
              </Link>
            </Box>
          )}
          <AttestForm task={task} />
        </Stack>
      </CardContent>
    </Card>
  );
}
