import { Card, CardContent, Grid, Link, Stack, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Link as RouterLink } from 'react-router';
import { api, unwrap } from '../../api/client';
import { LeaverActions } from '../../actions/LeaverActions';
import { Page } from '../../components/Page';
import { Empty, QueryView } from '../../components/States';
import { usePeopleNames } from '../../lib/catalog';
import { formatTime } from '../../lib/time';
import { LeaverForm } from './LeaverForm';

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
              <Card key={r.id} variant="outlined" component="article" aria-label={`Leaver ${names[r.identity]}`}>
                <CardContent>
                  <Typography variant="h6" component="h3">
                    <Link component={RouterLink} to={`/requests/${r.id}`}>
                      {names[r.identity]} ({r.identity})
                    </Link>
                  </Typography>
                  <Typography sx={{ mb: 1 }}>Requested {formatTime(r.createdAt)}.</Typography>
                  <LeaverActions requestId={r.id} status={r.status} />
                </CardContent>
              </Card>
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
