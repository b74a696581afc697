import { Card, CardContent, Grid, Link, Stack, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Link as RouterLink } from 'react-router';
import { api, unwrap } from '../../api/client';
import { LeaverActions } from '../../actions/LeaverActions';
import { Page } from '../../components/Page';
import { Empty, QueryView } from '../../components/States';
import { usePeopleNames } from '../../lib/catalog';
import { formatTime, fromNow } from '../../lib/time';
import { REASON_WORDS, words } from '../../lib/words';
import { LeaverForm } from './LeaverForm';

/** One scheduled leaver: when access ends (its detail carries the effective time and reason), and HR's actions. */
function ScheduledLeaverCard({ id, identity, name, createdAt, requester }: { id: string; identity: string; name: string; createdAt: string; requester: string }) {
  const detail = useQuery({ queryKey: ['request', id], queryFn: () => unwrap(api.GET('/api/v1/requests/{id}', { params: { path: { id } } })) });
  const reason = detail.data?.changes.reason;
  return (
    <Card variant="outlined" component="article" aria-label={`Leaver ${name}`}>
      <CardContent>
        <Typography variant="h6" component="h3">
          <Link component={RouterLink} to={`/requests/${id}`}>
            {name} ({identity})
          </Link>
        </Typography>
        <Typography>
          Access ends {detail.data ? `${formatTime(detail.data.effectiveAt)} (${fromNow(detail.data.effectiveAt)})` : '…'}
          {typeof reason === 'string' && ` · ${words(REASON_WORDS, reason)}`}
        </Typography>
        <Typography sx={{ mb: 1 }} color="text.secondary">
          Requested {formatTime(createdAt)}.
        </Typography>
        <LeaverActions requestId={id} status="scheduled" requester={requester} />
      </CardContent>
    </Card>
  );
}

function ScheduledLeavers() {
  const query = useQuery({
    queryKey: ['requests', 'list', 'scheduled-leavers'],
    queryFn: () => unwrap(api.GET('/api/v1/requests', { params: { query: { kind: 'leaver', status: 'scheduled', limit: 100 } } })),
    refetchInterval: 10_000,
  });
  const items = query.data?.items ?? [];
  const names = usePeopleNames(items.map((r) => r.identity));
  return (
    <QueryView query={query} what="scheduled leavers">
      {() =>
        items.length === 0 ? (
          <Empty>No leavers are scheduled.</Empty>
        ) : (
          <Stack spacing={2}>
            {items.map((r) => (
              <ScheduledLeaverCard key={r.id} id={r.id} identity={r.identity} name={names[r.identity]} createdAt={r.createdAt} requester={r.requester} />
            ))}
          </Stack>
        )
      }
    </QueryView>
  );
}

/** HR: start a leaver (now or effective-dated), and manage the scheduled ones. */
export default function HrPage() {
  return (
    <Page title="Leavers" intro="When someone leaves, start a leaver here: their access is removed on every system, each removal confirmed by the system's owner.">
      <Grid container spacing={4}>
        <Grid size={{ xs: 12, lg: 6 }}>
          <Typography variant="h5" component="h2" gutterBottom>
            Start a leaver
          </Typography>
          <LeaverForm />
        </Grid>
        <Grid size={{ xs: 12, lg: 6 }}>
          <Typography variant="h5" component="h2" gutterBottom>
            Scheduled leavers
          </Typography>
          <ScheduledLeavers />
        </Grid>
      </Grid>
    </Page>
  );
}
