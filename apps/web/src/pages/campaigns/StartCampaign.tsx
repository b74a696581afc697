import { Alert, Button, Stack } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link as RouterLink } from 'react-router';
import { api, problemText, unwrap } from '../../api/client';
import { useZonedTime, ZonedTimeField } from '../../components/ZonedTimeField';
import { Preflight } from './Preflight';
import { useTemplate } from './TemplateFields';

/**
 * Start a campaign: fill in the template and the deadline, check it (the API's dry run), read what
 * it would do, then launch. Launch is offered only for the very body that was checked and could start.
 */
export function StartCampaign() {
  const qc = useQueryClient();
  const { template, fields } = useTemplate();
  const due = useZonedTime(Date.now() + 14 * 86_400_000);
  const body = template && due.iso ? { ...template, dueAt: due.iso } : null;
  const check = useMutation({
    mutationFn: (b: NonNullable<typeof body>) => unwrap(api.POST('/api/v1/certifications', { params: { query: { dryRun: 'true' } }, body: b })).then((r) => {
        // One operation, two answers (200 report, 202 started): the dry run always answers the report.
        if (!('canStart' in r)) throw new Error('The service did not answer a pre-flight report');
        return { report: r, checked: JSON.stringify(b) };
      }),
  });
  const launch = useMutation({
    mutationFn: (b: NonNullable<typeof body>) =>
      unwrap(api.POST('/api/v1/certifications', { body: b })).then((r) => {
        if (!('id' in r)) throw new Error(`It cannot start: ${r.problems.join('; ')}`);
        return r;
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['campaigns'] }),
  });
  const checkedNow = check.data && body && check.data.checked === JSON.stringify(body);
  return (
    <Stack
      component="form"
      aria-label="Start a campaign"
      spacing={2}
      onSubmit={(e) => {
        e.preventDefault();
        if (body) check.mutate(body);
      }}
    >
      {fields}
      <ZonedTimeField label="Reviews due by" time={due} required />
      <Stack direction="row" spacing={2}>
        <Button type="submit" variant="outlined" disabled={!body || check.isPending}>
          Check before launch
        </Button>
        <Button variant="contained" disabled={!checkedNow || !check.data?.report.canStart || launch.isPending || launch.isSuccess} onClick={() => body && launch.mutate(body)}>
          Launch campaign
        </Button>
      </Stack>
      {check.isError && <Alert severity="error">{problemText(check.error)}</Alert>}
      {check.data && !checkedNow && <Alert severity="info">The form changed since the check: check again before launching.</Alert>}
      {check.data && <Preflight report={check.data.report} />}
      {launch.isError && <Alert severity="error">{problemText(launch.error)}</Alert>}
      {launch.isSuccess && (
        <Alert severity="success">
          Launched: reviewers get their items in a moment. <RouterLink to={`/campaigns/report/${launch.data.id}`}>Open its report</RouterLink>
        </Alert>
      )}
    </Stack>
  );
}
