import { Alert, Box, Button, Stack, TextField, Typography } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, problemText, unwrap } from '../api/client';
import { myKey, useMe } from '../lib/me';

export interface DecisionTarget {
  requestId: string;
  identity: string;
  requester: string;
  step: { step: number; eligibleApprovers: string[] };
}

/** Why the signed-in person cannot decide this step, or null if they can. */
export function cannotDecide(me: string | null, t: DecisionTarget): string | null {
  if (!me) return 'Only a person can approve.';
  if (me === t.requester) return 'You asked for this request, so someone else must approve it.';
  if (me === t.identity) return 'This request changes your own access, so someone else must approve it.';
  if (!t.step.eligibleApprovers.includes(me)) return 'You are not one of the approvers of this step.';
  return null;
}

/**
 * Approve or reject one approval step, with a comment (required to reject). The same form in the
 * approvals list and on the request page, so the two never offer different actions.
 */
export function DecisionForm({ target, onDone }: { target: DecisionTarget; onDone?: () => void }) {
  const me = myKey(useMe());
  const qc = useQueryClient();
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const id = useId();
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') =>
      unwrap(
        api.POST('/api/v1/requests/{id}/decisions', {
          params: { path: { id: target.requestId } },
          body: { decision, comment: comment.trim() },
        }),
      ),
    onSuccess: async () => {
      // The approvals list keeps this card (with its confirmation) until the page is opened again.
      await Promise.all([qc.invalidateQueries({ queryKey: ['approvals', 'count'] }), qc.invalidateQueries({ queryKey: ['request', target.requestId] }), qc.invalidateQueries({ queryKey: ['requests'] })]);
      onDone?.();
    },
  });
  const refusal = cannotDecide(me, target);
  if (refusal) {
    return (
      <Alert severity="info" variant="outlined">
        {refusal}
      </Alert>
    );
  }
  if (decide.isSuccess) {
    return <Alert severity="success">Your decision is recorded: {decide.data.decision === 'approve' ? 'approved' : 'rejected'}.</Alert>;
  }
  const reject = () => {
    if (!comment.trim()) {
      setMissing(true);
      return;
    }
    decide.mutate('reject');
  };
  return (
    <Box component="form" aria-label={`Decision on step ${target.step.step}`} onSubmit={(e) => e.preventDefault()}>
      <Typography variant="h6" component="h3" gutterBottom>
        Your decision
      </Typography>
      <TextField
        id={`${id}-comment`}
        label="Comment (required to reject)"
        value={comment}
        onChange={(e) => {
          setComment(e.target.value);
          setMissing(false);
        }}
        error={missing}
        helperText={missing ? 'Say why you reject, so the requester knows what to change.' : 'Shown to the requester and kept in the audit trail.'}
        multiline
        minRows={2}
        fullWidth
        slotProps={{ htmlInput: { maxLength: 2000 } }}
      />
      <Stack direction="row" spacing={2} sx={{ mt: 1 }}>
        <Button variant="contained" color="success" disabled={decide.isPending} onClick={() => decide.mutate('approve')}>
          Approve
        </Button>
        <Button variant="outlined" color="error" disabled={decide.isPending} onClick={reject}>
          Reject
        </Button>
      </Stack>
      {decide.isError && (
        <Alert severity="error" sx={{ mt: 1 }}>
          {problemText(decide.error)}
        </Alert>
      )}
    </Box>
  );
}
