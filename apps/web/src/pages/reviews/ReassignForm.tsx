import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, problemText, unwrap, type Schemas } from '../../api/client';
import { PersonPicker } from '../../components/PersonPicker';
import type { Identity } from '../../lib/catalog';

type Item = Schemas['CampaignItemDto'];

/** Hand selected items to another eligible reviewer, with a reason (audited). */
export function ReassignForm({ campaignId, items, onDone, onClose }: { campaignId: string; items: Item[]; onDone: () => void; onClose: () => void }) {
  const [to, setTo] = useState<Identity | null>(null);
  const [reason, setReason] = useState('');
  const subjects = new Set(items.map((i) => i.identity));
  const send = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/certifications/{id}/reassign', { params: { path: { id: campaignId } }, body: { items: items.map((i) => i.id), to: to?.key ?? '', reason: reason.trim() } })),
    onSuccess: onDone,
  });
  return (
    <Dialog open onClose={onClose} maxWidth="sm" fullWidth aria-labelledby="reassign-title">
      <DialogTitle id="reassign-title">Hand {items.length} item{items.length === 1 ? '' : 's'} to someone else</DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ mt: 1 }}>
          <PersonPicker label="New reviewer" value={to} onChange={setTo} required filter={(p) => p.status === 'active' && !subjects.has(p.key)} helperText="Nobody reviews their own access." />
          <TextField label="Why (required)" value={reason} onChange={(e) => setReason(e.target.value)} required multiline minRows={2} slotProps={{ htmlInput: { maxLength: 2000 } }} />
          {send.isError && <Alert severity="error">{problemText(send.error)}</Alert>}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Go back</Button>
        <Button variant="contained" disabled={!to || !reason.trim() || send.isPending} onClick={() => send.mutate()}>
          Hand over
        </Button>
      </DialogActions>
    </Dialog>
  );
}
