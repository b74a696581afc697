import { Box, Card, CardActionArea, CardContent, LinearProgress, Stack, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Link as RouterLink, useParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { StatusChip } from '../../components/Chips';
import { Page } from '../../components/Page';
import { Empty, QueryView } from '../../components/States';
import { formatTime, fromNow } from '../../lib/time';
import { CampaignReview } from './CampaignReview';

function CampaignCard({ id }: { id: string }) {
  const c = useQuery({ queryKey: ['campaign', id], queryFn: () => unwrap(api.GET('/api/v1/certifications/{id}', { params: { path: { id } } })) });
  if (!c.data) return null;
  const { counts } = c.data;
  const done = counts.total - counts.pending;
  return (
    <Card variant="outlined">
      <CardActionArea component={RouterLink} to={`/reviews/${id}`}>
        <CardContent>
          <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
            <Typography variant="h6" component="h2">
              {c.data.name}
            </Typography>
            <StatusChip status={c.data.status} />
          </Stack>
          <Typography>
            Due {formatTime(c.data.dueAt)} ({fromNow(c.data.dueAt)}). {done} of {counts.total} decided: {counts.certified} kept, {counts.revoked} removed.
          </Typography>
          <LinearProgress variant="determinate" value={counts.total ? (100 * done) / counts.total : 0} aria-label={`${c.data.name}: ${done} of ${counts.total} decided`} sx={{ mt: 1 }} />
        </CardContent>
      </CardActionArea>
    </Card>
  );
}

/** Access reviews (certification campaigns) I take part in; one campaign's review by deep link. */
export default function ReviewsPage() {
  const { id } = useParams();
  const list = useQuery({ queryKey: ['campaigns'], enabled: !id, queryFn: () => unwrap(api.GET('/api/v1/certifications', { params: { query: { limit: 100 } } })) });
  if (id) return <CampaignReview id={id} />;
  return (
    <Page title="Access reviews" intro="Confirm that people still need the access they have, or have it removed.">
      <QueryView query={list} what="access reviews">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No access reviews for you.</Empty>
          ) : (
            <Box sx={{ display: 'grid', gap: 2 }}>
              {page.items.map((c) => (
                <CampaignCard key={c.id} id={c.id} />
              ))}
            </Box>
          )
        }
      </QueryView>
    </Page>
  );
}
