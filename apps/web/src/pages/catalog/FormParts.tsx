import { Button, Grid, Stack, TextField } from '@mui/material';
import { useNavigate } from 'react-router';
import { SaveProblem } from '../../components/SaveProblem';
import { fieldState, type FormProblems } from '../../lib/form-problems';

/**
 * How an edit form reads what it edits: fresh on every opening (no cached copy from an earlier
 * visit, gcTime 0) and never re-read while open (no refetch on focus): the form and the version
 * it sends as `expectedVersion` are one snapshot, so a newer save by someone else is a 409 on
 * saving, not a form that changes under the person typing (ADR 171).
 */
export const EDIT_SNAPSHOT = { gcTime: 0, staleTime: Infinity, refetchOnWindowFocus: false } as const;

/**
 * Key and name, the first row of every catalog form: the key is typed once and never changes.
 * When editing it is read-only, not disabled: still read out and focusable, and its hint keeps
 * full contrast (a disabled field's grey helper text failed axe's contrast check).
 */
export function KeyNameFields(props: { keyValue: string; name: string; onKey: (v: string) => void; onName: (v: string) => void; creating: boolean; problems: FormProblems; example: string; nameHint?: string }) {
  const { keyValue, name, onKey, onName, creating, problems, example, nameHint } = props;
  return (
    <>
      <Grid size={{ xs: 12, md: 4 }}>
        <TextField label="Key" value={keyValue} onChange={(e) => onKey(e.target.value)} required fullWidth slotProps={{ htmlInput: { readOnly: !creating } }} {...fieldState(problems, 'key', creating ? `Short, lower-case, never changes, e.g. ${example}` : 'A key never changes')} />
      </Grid>
      <Grid size={{ xs: 12, md: 8 }}>
        <TextField label="Name" value={name} onChange={(e) => onName(e.target.value)} required fullWidth {...fieldState(problems, 'name', nameHint)} />
      </Grid>
    </>
  );
}

/** Why the last save failed (if it did), then the save and cancel buttons. */
export function SaveBar(props: { problems: FormProblems; fields: string[]; conflict: (message: string) => string; pending: boolean; label: string; cancelTo: string }) {
  const navigate = useNavigate();
  return (
    <>
      <SaveProblem problems={props.problems} fields={props.fields} conflict={props.conflict} />
      <Stack direction="row" spacing={1}>
        <Button type="submit" variant="contained" disabled={props.pending}>
          {props.label}
        </Button>
        <Button onClick={() => void navigate(props.cancelTo)}>Cancel</Button>
      </Stack>
    </>
  );
}
