import { Alert, Box, Button, Stack, TextField } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, problemText, unwrap, type Schemas } from '../api/client';
import { useSystems } from '../lib/catalog';
import { myKey, useMe } from '../lib/me';

type Task = Schemas['TaskDto'];

/** Why the signed-in person cannot attest this task, or null if they can. */
export function cannotAttest(me: string | null, task: Task, owners: string[] | undefined): string | null {
  if (task.status !== 'open') return null;
  if (!me) return 'Only a person can confirm a task.';
  if (task.identity === me) return 'This task changes your own access, so another owner must confirm it.';
  if (owners && !owners.includes(me)) return 'Only an owner of this system can confirm it.';
  return null;
}

/**
 * The system owner's named attestation: "I did it", with a note and the ticket reference. The same
 * form in My tasks and on the request page.
 */
export function AttestForm({ task }: { task: Task }) {
  const me = myKey(useMe());
  const systems = useSystems();
  const qc = useQueryClient();
  const [note, setNote] = useState('');
  const [ref, setRef] = useState(task.externalRef ?? '');
  const [missing, setMissing] = useState(false);
  const attest = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/tasks/{id}/complete', {
          params: { path: { id: task.id } },
          body: { note: note.trim(), ...(ref.trim() ? { externalRef: ref.trim() } : {}) },
        }),
      ),
    onSuccess: async () => {
      // My tasks keeps this card (with its confirmation) until the page is opened again.
      await Promise.all([qc.invalidateQueries({ queryKey: ['tasks', 'count'] }), qc.invalidateQueries({ queryKey: ['request', task.requestId] })]);
    },
  });
  if (attest.isSuccess) return <Alert severity="success">Confirmed as done. Thank you.</Alert>;
  if (task.status !== 'open') return null;
  const owners = systems.data?.find((s) => s.key === task.system)?.owners;
  const refusal = cannotAttest(me, task, owners);
  if (refusal) return <Alert severity="info" variant="outlined">{refusal}</Alert>;
  const submit = () => {
    if (!note.trim()) {
      setMissing(true);
      return;
    }
    attest.mutate();
  };
  return (
    <Box
      component="form"
      aria-label={`Confirm the ${task.action} on ${task.system} is done`}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Stack sx={{ alignItems: 'flex-start' }} direction={{ xs: 'column', md: 'row' }} spacing={1}>
        <TextField
          label="What you did (note)"
          value={note}
          onChange={(e) => {
            setNote(e.target.value);
            setMissing(false);
          }}
          error={missing}
          helperText={missing ? 'Say what you did: it is your signed statement in the audit trail.' : ' '}
          required
          size="small"
          sx={{ flex: 2 }}
          slotProps={{ htmlInput: { maxLength: 2000 } }}
        />
        <TextField label="Ticket reference" value={ref} onChange={(e) => setRef(e.target.value)} helperText="Optional, e.g. INC-20411" size="small" sx={{ flex: 1 }} slotProps={{ htmlInput: { maxLength: 200 } }} />
        <Button type="submit" variant="contained" disabled={attest.isPending}>
          Confirm done
        </Button>
      </Stack>
      {attest.isError && <Alert severity="error">{problemText(attest.error)}</Alert>}
    </Box>
  );
}
