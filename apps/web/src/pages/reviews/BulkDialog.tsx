import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Table, TableBody, TableCell, TableHead, TableRow, TextField } from '@mui/material';
import { useState } from 'react';
import type { Schemas } from '../../api/client';

type Item = Schemas['CampaignItemDto'];
export type BulkDecision = 'certify' | 'revoke';

/**
 * The bulk decision, previewed row by row before anything is sent: what happens to each person's
 * access, with one comment for all (required to remove). Nothing surprising after "Confirm".
 */
export function BulkDialog({
  decision,
  items,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  decision: BulkDecision;
  items: Item[];
  busy: boolean;
  error: string | null;
  onConfirm: (comment: string) => void;
  onClose: () => void;
}) {
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const keep = decision === 'certify';
  const confirm = () => {
    if (!keep && !comment.trim()) {
      setMissing(true);
      return;
    }
    onConfirm(comment.trim());
  };
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth aria-labelledby="bulk-title">
      <DialogTitle id="bulk-title">
        {keep ? 'Keep' : 'Remove'} {items.length} access item{items.length === 1 ? '' : 's'}: check before you confirm
      </DialogTitle>
      <DialogContent>
        <Table size="small" aria-label="What will happen">
          <TableHead>
            <TableRow>
              <TableCell>Person</TableCell>
              <TableCell>Access</TableCell>
              <TableCell>What will happen</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map((i) => (
              <TableRow key={i.id}>
                <TableCell>{i.identityName}</TableCell>
                <TableCell>
                  {i.role} on {i.system}: {i.entitlements.join(', ')}
                </TableCell>
                <TableCell>{keep ? 'Kept as it is' : `Removed: the owners of ${i.system} get a task to take it away`}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <TextField
          sx={{ mt: 2 }}
          fullWidth
          multiline
          minRows={2}
          label={keep ? 'Comment (optional)' : 'Why remove it? (required)'}
          value={comment}
          onChange={(e) => {
            setComment(e.target.value);
            setMissing(false);
          }}
          error={missing}
          helperText={missing ? 'Say why, for the person and the auditors.' : 'Applies to every row above. You can change a decision until you sign off.'}
          slotProps={{ htmlInput: { maxLength: 2000 } }}
        />
        {error && <Alert severity="error" sx={{ mt: 1 }}>{error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Go back</Button>
        <Button variant="contained" color={keep ? 'success' : 'error'} onClick={confirm} disabled={busy}>
          Confirm: {keep ? 'keep' : 'remove'} {items.length}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
