import { Alert, Box, Button, Typography } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { api, problemText, unwrap } from '../../api/client';
import { formatTime } from '../../lib/time';

/** Recompute the hash chain and explain the result in words. */
export function VerifyLedger() {
  const verify = useMutation({ mutationFn: () => unwrap(api.GET('/api/v1/audit/verify')) });
  const r = verify.data;
  return (
    <Box>
      <Typography sx={{ mb: 2 }}>
        Every audit record carries a fingerprint (hash) of its content and of the record before it. Checking recomputes every fingerprint: if anyone changed,
        removed or inserted a record, even directly in the database, the check names the first record that no longer fits.
      </Typography>
      <Button variant="contained" onClick={() => verify.mutate()} disabled={verify.isPending}>
        {verify.isPending ? 'Checking…' : 'Check the audit trail'}
      </Button>
      <Box role="status" aria-live="polite" sx={{ mt: 2 }}>
        {verify.isError && <Alert severity="error">{problemText(verify.error)}</Alert>}
        {r && r.valid && (
          <Alert severity="success">
            Intact: all {r.rowsChecked.toLocaleString()} records match their fingerprints and link up without a gap (checked in {(r.durationMs / 1000).toFixed(1)} s).
            {r.head && ` The latest record is number ${r.head.seq}, fingerprint ${r.head.hash.slice(0, 16)}…`}
          </Alert>
        )}
        {r && r.checkpoints && (
          <Alert severity={r.checkpoints.valid ? 'success' : 'error'} sx={{ mt: 1 }}>
            {r.checkpoints.valid
              ? `Signed checkpoints: ${r.checkpoints.checked} checked, all genuine and matching the records${r.checkpoints.latest ? ` (latest at record ${r.checkpoints.latest.seq}, ${formatTime(r.checkpoints.latest.at)})` : ''}. They are kept outside the database, so even a rewrite of the whole table with recomputed fingerprints would show here.`
              : `Signed checkpoints: ${r.checkpoints.firstBad?.reason ?? 'one does not match'} (checkpoint line ${r.checkpoints.firstBad?.line}). The records were rewritten after that checkpoint was signed, or the checkpoint is forged.`}
          </Alert>
        )}
        {r && !r.valid && r.firstBadRow && (
          <Alert severity="error">
            Not intact: record {r.firstBadRow?.seq} does not match ({r.firstBadRow?.reason}). {r.rowsChecked.toLocaleString()} records checked. Treat the records from
            there on as altered and report it to security.
          </Alert>
        )}
      </Box>
    </Box>
  );
}
