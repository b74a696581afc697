import { Alert, Box, Button, Stack } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, problemText, unwrap } from '../api/client';
import { hasRole, useMe } from '../lib/me';
import { CancelRequest } from './CancelRequest';

/**
 * HR's actions on a scheduled leaver: bring the leaving date forward to now, or cancel (for
 * example a withdrawn resignation, with the same cancel as every other request). The same buttons
 * in the HR list and on the request page.
 */
export function LeaverActions({ requestId, status, requester }: { requestId: string; status: string; requester: string }) {
  const me = useMe();
  const qc = useQueryClient();
  const forward = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/requests/leaver/{id}/bring-forward', { params: { path: { id: requestId } }, body: {} })),
    onSuccess: async () => {
      await Promise.all([qc.invalidateQueries({ queryKey: ['requests'] }), qc.invalidateQueries({ queryKey: ['request', requestId] })]);
    },
  });
  if (status !== 'scheduled' || !hasRole(me, 'hr', 'admin')) return null;
  return (
    <Box>
      <Stack sx={{ alignItems: 'center' }} direction={{ xs: 'column', md: 'row' }} spacing={1}>
        <Button variant="contained" color="warning" disabled={forward.isPending} onClick={() => forward.mutate()}>
          Make effective now
        </Button>
        <CancelRequest request={{ id: requestId, kind: 'leaver', status, requester }} />
      </Stack>
      {forward.isSuccess && <Alert severity="success">Brought forward: access is being removed now.</Alert>}
      {forward.isError && <Alert severity="error">{problemText(forward.error)}</Alert>}
    </Box>
  );
}
