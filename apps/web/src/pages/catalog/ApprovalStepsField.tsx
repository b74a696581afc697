import { Box, Button, FormControlLabel, MenuItem, Paper, Stack, Switch, TextField, Typography } from '@mui/material';
import type { Schemas } from '../../api/client';
import { PeoplePicker } from '../../components/CatalogPickers';
import { fieldState, type FormProblems } from '../../lib/form-problems';
import { APPROVER_KIND_WORDS } from '../../lib/words';

export type Step = Schemas['ApprovalStepInput'];
type Kind = Step['kind'];
const KINDS = Object.keys(APPROVER_KIND_WORDS) as Kind[];
const capital = (s: string) => s[0].toUpperCase() + s.slice(1);

/** A step as the API stores it: a named person only on an identity step, a group only on a group step. */
export function cleanStep(s: Step): Step {
  return {
    kind: s.kind,
    approvers: s.approvers ?? 1,
    ...(s.kind === 'identity' ? { identity: s.identity ?? '' } : {}),
    ...(s.kind === 'group' ? { group: s.group ?? '', members: s.members ?? [] } : {}),
  };
}

/** The policy in one sentence: "First the person's manager, then two owners of the system." */
export function stepsInWords(steps: Step[]): string {
  if (steps.length === 0) return 'Nobody approves yet: add a step.';
  const one = (s: Step) => {
    const who = s.kind === 'identity' && s.identity ? `${s.identity}` : s.kind === 'group' && s.group ? `a member of ${s.group}` : APPROVER_KIND_WORDS[s.kind];
    return (s.approvers ?? 1) > 1 ? `${who} (two different people)` : who;
  };
  return `${steps.map((s, i) => `${i === 0 ? 'First' : 'then'} ${one(s)}`).join(', ')}.`;
}

function StepRow({ step, i, count, onChange, onRemove, onUp, problems }: { step: Step; i: number; count: number; onChange: (s: Step) => void; onRemove: () => void; onUp: () => void; problems: FormProblems }) {
  const path = `approvalPolicy.steps.${i}`;
  return (
    <Paper variant="outlined" sx={{ p: 2 }} role="group" aria-label={`Approval step ${i + 1}`}>
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ alignItems: 'flex-start' }}>
        <Typography sx={{ pt: 1, minWidth: 60 }}>Step {i + 1}</Typography>
        <TextField select size="small" label="Who approves" value={step.kind} onChange={(e) => onChange({ ...step, kind: e.target.value as Kind })} sx={{ minWidth: 260 }} {...fieldState(problems, `${path}.kind`)}>
          {KINDS.map((k) => (
            <MenuItem key={k} value={k}>
              {capital(APPROVER_KIND_WORDS[k])}
            </MenuItem>
          ))}
        </TextField>
        {step.kind === 'identity' && (
          <Box sx={{ minWidth: 260, flex: 1 }}>
            <PeoplePicker single label="Approver" value={step.identity ? [step.identity] : []} onChange={(k) => onChange({ ...step, identity: k[0] ?? '' })} required {...fieldState(problems, `${path}.identity`)} />
          </Box>
        )}
        {step.kind === 'group' && (
          <>
            <TextField size="small" label="Group name" value={step.group ?? ''} onChange={(e) => onChange({ ...step, group: e.target.value })} required {...fieldState(problems, `${path}.group`)} />
            <Box sx={{ minWidth: 260, flex: 1 }}>
              <PeoplePicker label="Group members" value={step.members ?? []} onChange={(members) => onChange({ ...step, members })} required {...fieldState(problems, `${path}.members`)} />
            </Box>
          </>
        )}
        <FormControlLabel control={<Switch checked={(step.approvers ?? 1) > 1} onChange={(e) => onChange({ ...step, approvers: e.target.checked ? 2 : 1 })} />} label="Two different people must approve" />
        {i > 0 && (
          <Button onClick={onUp} aria-label={`Move step ${i + 1} earlier`}>
            Earlier
          </Button>
        )}
        {count > 1 && (
          <Button color="error" onClick={onRemove} aria-label={`Remove step ${i + 1}`}>
            Remove
          </Button>
        )}
      </Stack>
    </Paper>
  );
}

/** The approval policy: ordered steps, each saying in plain words who must approve. */
export function ApprovalStepsField({ steps, onChange, problems }: { steps: Step[]; onChange: (s: Step[]) => void; problems: FormProblems }) {
  const whole = problems.list.filter((p) => p.path === 'approvalPolicy' || p.path === 'approvalPolicy.steps').flatMap((p) => p.problems);
  const swap = (i: number) => onChange(steps.map((s, j) => (j === i - 1 ? steps[i] : j === i ? steps[i - 1] : s)));
  return (
    <Box component="fieldset" sx={{ border: 0, p: 0, m: 0 }}>
      <Typography component="legend" variant="subtitle1" sx={{ mb: 1 }}>
        Who must approve a request for this role, in order
      </Typography>
      <Stack spacing={1}>
        {steps.map((s, i) => (
          <StepRow key={i} step={s} i={i} count={steps.length} problems={problems} onChange={(n) => onChange(steps.map((x, j) => (j === i ? n : x)))} onRemove={() => onChange(steps.filter((_, j) => j !== i))} onUp={() => swap(i)} />
        ))}
      </Stack>
      {whole.length > 0 && <Typography color="error">{whole.join('; ')}</Typography>}
      <Typography sx={{ mt: 1 }} aria-live="polite">
        In words: {stepsInWords(steps)}
      </Typography>
      <Button sx={{ mt: 1 }} disabled={steps.length >= 10} onClick={() => onChange([...steps, { kind: 'manager', approvers: 1 }])}>
        Add a step
      </Button>
    </Box>
  );
}
