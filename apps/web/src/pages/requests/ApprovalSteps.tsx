import { Box, Paper, Stack, Typography } from '@mui/material';
import type { Schemas } from '../../api/client';
import { DecisionForm } from '../../actions/DecisionForm';
import { StatusChip } from '../../components/Chips';
import { formatTime } from '../../lib/time';
import { EligibleApprovers } from '../approvals/ApprovalCard';

type Detail = Schemas['RequestDetailDto'];

/** Approval steps with their named decisions; the open step offers the same decision form as My approvals. */
export function ApprovalSteps({ request }: { request: Detail }) {
  if (request.approvals.length === 0) return null;
  return (
    <section aria-labelledby="steps-heading">
      <Typography variant="h6" component="h2" id="steps-heading" gutterBottom>
        Approvals
      </Typography>
      <Stack spacing={1}>
        {request.approvals.map((s) => (
          <Paper key={s.step} variant="outlined" sx={{ p: 1.5 }}>
            <Stack sx={{ alignItems: 'center' }} direction="row" spacing={1}>
              <Typography variant="subtitle1" component="h3">
                Step {s.step}: {s.label}
              </Typography>
              <StatusChip status={s.status} />
            </Stack>
            {s.required > 1 && <Typography>Needs {s.required} different approvers.</Typography>}
            {s.decisions.map((d) => (
              <Typography key={`${d.approver}-${d.decidedAt}`}>
                {d.decision === 'approve' ? 'Approved' : 'Rejected'} by {d.approverName} ({d.approver}) on {formatTime(d.decidedAt)}
                {d.comment && `: “${d.comment}”`}
              </Typography>
            ))}
            {s.status === 'pending' && (
              <Box sx={{ mt: 1 }}>
                <EligibleApprovers label={s.label} keys={s.eligibleApprovers} />
                {s.dueAt && <Typography>Due {formatTime(s.dueAt)}.</Typography>}
                <Box sx={{ mt: 1 }}>
                  <DecisionForm target={{ requestId: request.id, identity: request.identity, requester: request.requester, step: s }} />
                </Box>
              </Box>
            )}
          </Paper>
        ))}
      </Stack>
    </section>
  );
}

