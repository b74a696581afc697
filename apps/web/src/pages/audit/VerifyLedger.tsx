import { Alert, Box, Button, Typography } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { api, problemText, unwrap } from '../../api/client';

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
        {r && !r.valid && (
          <Alert severity="error">
            Not intact: record {r.firstBadRow?.seq} does not match ({r.firstBadRow?.reason}). {r.rowsChecked.toLocaleString()} records checked. Treat the records from
            there on as altered and report it to security.
          </Alert>
        )}
      </Box>
    </Box>
  );
}
