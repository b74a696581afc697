import { Alert, Box, List, ListItem, Typography } from '@mui/material';
import type { Schemas } from '../../api/client';
import { formatTime } from '../../lib/time';

type Report = Schemas['PreflightReportDto'];

function Examples({ title, routed }: { title: string; routed: Report['selfReview'] }) {
  if (routed.items === 0) return null;
  return (
    <Box>
      <Typography>
        {title}: {routed.items} item{routed.items === 1 ? '' : 's'}, sent to the fallback reviewer
        {routed.examples.length > 0 && ` (for example ${routed.examples.slice(0, 5).map((e) => `${e.identity} on ${e.role}`).join(', ')})`}.
      </Typography>
    </Box>
  );
}

/** The pre-flight report in words: what launching would do, and why it could not start. */
export function Preflight({ report }: { report: Report }) {
  return (
    <Box component="section" aria-label="Before launch" sx={{ my: 2 }}>
      <Typography variant="h6" component="h3" gutterBottom>
        What this campaign would do
      </Typography>
      {report.canStart ? (
        <Alert severity="success">It can start.</Alert>
      ) : (
        <Alert severity="error">It cannot start: {report.problems.join('; ')}.</Alert>
      )}
      <Typography sx={{ mt: 1 }}>
        {report.subjects} people, {report.items} items to review, due {formatTime(report.deadlinePolicy.dueAt)}. Undecided at the deadline: {report.deadlinePolicy.undecidedItems}
      </Typography>
      <Typography>
        Fallback reviewer {report.fallback.reviewer} ({report.fallback.status}): {report.fallback.items} items.
      </Typography>
      <Examples title="No reviewer found by the rule" routed={report.noResolvableReviewer} />
      <Examples title="The reviewer would have been the person themselves" routed={report.selfReview} />
      {report.terminatedReviewers.length > 0 && (
        <Typography>Reviewers who have left or not started (their items go to the fallback): {report.terminatedReviewers.map((r) => `${r.reviewer} (${r.items})`).join(', ')}.</Typography>
      )}
      {report.perReviewer.length > 0 && (
        <List dense aria-label="Items per reviewer">
          {report.perReviewer.map((r) => (
            <ListItem key={r.reviewer} disableGutters>
              {r.reviewer}: {r.items} item{r.items === 1 ? '' : 's'}
            </ListItem>
          ))}
        </List>
      )}
    </Box>
  );
}
