import { Card, CardActionArea, CardContent, Grid, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Link as RouterLink } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Page } from '../../components/Page';
import { ErrorState } from '../../components/States';
import { hasRole, useMe } from '../../lib/me';

const LIMIT = 100;
const count = (n: number | undefined, more: boolean) => (n === undefined ? '…' : more ? `${LIMIT}+` : String(n));

function CountCard({ to, label, value, hint }: { to: string; label: string; value: string; hint: string }) {
  return (
    <Grid size={{ xs: 12, sm: 6, md: 4 }}>
      <Card variant="outlined">
        <CardActionArea component={RouterLink} to={to}>
          <CardContent>
            <Typography variant="h3" component="p">
              {value}
            </Typography>
            <Typography variant="h6" component="h2">
              {label}
            </Typography>
            <Typography color="text.secondary">{hint}</Typography>
          </CardContent>
        </CardActionArea>
      </Card>
    </Grid>
  );
}

/** What waits for me: approvals, tasks, access reviews, requests in flight, with counts. */
export function HomePage() {
  const me = useMe();
  const approvals = useQuery({ queryKey: ['approvals', 'count'], queryFn: () => unwrap(api.GET('/api/v1/approvals', { params: { query: { limit: LIMIT } } })) });
  const tasks = useQuery({ queryKey: ['tasks', 'count'], queryFn: () => unwrap(api.GET('/api/v1/tasks', { params: { query: { status: 'open', limit: LIMIT } } })) });
  const waiting = useQuery({
    queryKey: ['requests', 'count', 'pending_approval'],
    queryFn: () => unwrap(api.GET('/api/v1/requests', { params: { query: { status: 'pending_approval', limit: LIMIT } } })),
  });
  // Reviews: my undecided items over the campaigns open for review.
  const reviews = useQuery({
    queryKey: ['campaigns', 'count'],
    queryFn: async () => {
      const page = await unwrap(api.GET('/api/v1/certifications', { params: { query: { status: 'active', limit: LIMIT } } }));
      const details = await Promise.all(page.items.map((c) => unwrap(api.GET('/api/v1/certifications/{id}', { params: { path: { id: c.id } } }))));
      return details.reduce((n, c) => n + (c.reviewers.find((r) => r.reviewer === me.identity?.key)?.pending ?? 0), 0);
    },
  });
  const seesAll = hasRole(me, 'admin', 'auditor');
  const overdue = tasks.data?.items.filter((t) => t.overdue).length ?? 0;
  const error = approvals.error ?? tasks.error ?? waiting.error ?? reviews.error;
  return (
    <Page title={`Hello, ${me.identity?.name ?? me.principal.displayName}`} intro="What is waiting for you.">
      {error && <ErrorState error={error} what="your work" />}
      <Grid container spacing={2}>
        <CountCard to="/approvals" label="Approvals waiting for you" value={count(approvals.data?.items.length, Boolean(approvals.data?.nextCursor))} hint="Requests where your decision is needed." />
        <CountCard
          to="/tasks"
          label={seesAll ? 'Open tasks (all systems)' : 'Tasks on systems you own'}
          value={count(tasks.data?.items.length, Boolean(tasks.data?.nextCursor))}
          hint={overdue > 0 ? `${overdue} overdue.` : 'Access to grant or remove, then confirm.'}
        />
        <CountCard to="/reviews" label="Access reviews waiting for you" value={reviews.data === undefined ? '…' : String(reviews.data)} hint="Access of your people to keep or remove." />
        <CountCard
          to="/requests?status=pending_approval"
          label={seesAll ? 'Requests waiting for approval' : 'Your requests waiting for approval'}
          value={count(waiting.data?.items.length, Boolean(waiting.data?.nextCursor))}
          hint="Asked for, not yet decided."
        />
      </Grid>
    </Page>
  );
}
