import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, problemText, unwrap } from '../api/client';
import { hasRole, myKey, useMe, type Me } from '../lib/me';

/** What the cancel rule needs to know about a request (a list row and the detail page both have it). */
export interface Cancellable {
  id: string;
  kind: string;
  status: string;
  requester: string;
  /** Tasks already attested, when known (the detail page): the API refuses to cancel those requests. */
  doneTasks?: number;
}

/** Not yet carried out: the statuses `POST /requests/{id}/cancel` accepts (libs/requests/request-locks.ts). */
const OPEN = ['scheduled', 'pending_approval', 'provisioning', 'deprovisioning'];

/**
 * The API's cancel rule, shown before it would refuse (decisions.service.ts `cancel`): the
 * requester or an administrator (HR too for a leaver); a leaver only while scheduled; never once
 * a task has been attested.
 */
export function mayCancel(me: Me, r: Cancellable): boolean {
  if (!OPEN.includes(r.status) || (r.doneTasks ?? 0) > 0) return false;
  if (r.kind === 'leaver' && r.status !== 'scheduled') return false;
  return hasRole(me, 'admin') || r.requester === myKey(me) || (r.kind === 'leaver' && hasRole(me, 'hr'));
}

/**
 * "Cancel request": one button and one confirmation dialog (optional reason), the same in the
 * requests list, on the request page and for HR's scheduled leavers. Hidden when the API would refuse.
 */
export function CancelRequest({ request, size = 'medium' }: { request: Cancellable; size?: 'small' | 'medium' }) {
  const me = useMe();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const cancel = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/requests/{id}/cancel', { params: { path: { id: request.id } }, body: reason.trim() ? { reason: reason.trim() } : {} })),
    onSuccess: async () => {
      setOpen(false);
      await Promise.all([qc.invalidateQueries({ queryKey: ['requests'] }), qc.invalidateQueries({ queryKey: ['request', request.id] })]);
    },
  });
  if (cancel.isSuccess) return <Alert severity="success">Cancelled: nothing more will happen for this request.</Alert>;
  if (!mayCancel(me, request)) return null;
  const titleId = `cancel-title-${request.id}`;
  return (
    <Box>
      <Button variant="outlined" color="error" size={size} onClick={() => setOpen(true)}>
        Cancel request
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} aria-labelledby={titleId}>
        <Box
          component="form"
          aria-labelledby={titleId}
          onSubmit={(e) => {
            e.preventDefault();
            cancel.mutate();
          }}
        >
          <DialogTitle id={titleId}>Cancel this request?</DialogTitle>
          <DialogContent>
            <DialogContentText>
              Open approvals and tasks are withdrawn and nobody's access changes.
              {request.kind === 'leaver' && ' The person keeps their access.'} This cannot be undone: ask again with a new request if needed.
            </DialogContentText>
            <TextField autoFocus fullWidth margin="normal" label="Reason (optional)" value={reason} onChange={(e) => setReason(e.target.value)} slotProps={{ htmlInput: { maxLength: 2000 } }} />
            {cancel.isError && <Alert severity="error">{problemText(cancel.error)}</Alert>}
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setOpen(false)}>Keep the request</Button>
            <Button type="submit" color="error" variant="contained" disabled={cancel.isPending}>
              Cancel request
            </Button>
          </DialogActions>
        </Box>
      </Dialog>
    </Box>
  );
}
