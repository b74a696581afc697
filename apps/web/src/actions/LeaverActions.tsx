import { Alert, Box, Button, Stack, TextField } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, problemText, unwrap } from '../api/client';
import { hasRole, useMe } from '../lib/me';

/**
 * HR's actions on a scheduled leaver: bring the leaving date forward to now, or cancel (for
 * example a withdrawn resignation). The same buttons in the HR list and on the request page.
 */
export function LeaverActions({ requestId, status }: { requestId: string; status: string }) {
  const me = useMe();
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const done = async () => {
    await Promise.all([qc.invalidateQueries({ queryKey: ['requests'] }), qc.invalidateQueries({ queryKey: ['request', requestId] })]);
  };
  const forward = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/requests/leaver/{id}/bring-forward', { params: { path: { id: requestId } }, body: {} })),
    onSuccess: done,
  });
  const cancel = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/requests/leaver/{id}/cancel', { params: { path: { id: requestId } }, body: reason.trim() ? { reason: reason.trim() } : {} })),
    onSuccess: done,
  });
  if (status !== 'scheduled' || !hasRole(me, 'hr', 'admin')) return null;
  const busy = forward.isPending || cancel.isPending;
  return (
    <Box>
      <Stack sx={{ alignItems: 'center' }} direction={{ xs: 'column', md: 'row' }} spacing={1}>
        <Button variant="contained" color="warning" disabled={busy} onClick={() => forward.mutate()}>
          Make effective now
        </Button>
        <TextField size="small" label="Reason to cancel" value={reason} onChange={(e) => setReason(e.target.value)} slotProps={{ htmlInput: { maxLength: 2000 } }} />
        <Button variant="outlined" disabled={busy} onClick={() => cancel.mutate()}>
          Cancel leaver
        </Button>
      </Stack>
      {forward.isSuccess && <Alert severity="success">Brought forward: access is being removed now.</Alert>}
      {cancel.isSuccess && <Alert severity="success">Cancelled: the person keeps their access.</Alert>}
      {(forward.isError || cancel.isError) && <Alert severity="error">{problemText(forward.error ?? cancel.error)}</Alert>}
    </Box>
  );
}
