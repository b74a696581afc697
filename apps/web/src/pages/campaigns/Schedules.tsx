import { Alert, Button, Grid, MenuItem, Stack, TextField, Typography } from '@mui/material';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, problemText, unwrap, type Schemas } from '../../api/client';
import { DataTable, type Column } from '../../components/DataTable';
import { formatTime } from '../../lib/time';
import { useTemplate } from './TemplateFields';

type Schedule = Schemas['ScheduleViewDto'];

function DeleteSchedule({ s }: { s: Schedule }) {
  const qc = useQueryClient();
  const del = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/certification-schedules/{id}', { params: { path: { id: s.id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['schedules'] }),
  });
  return (
    <>
      <Button size="small" color="error" variant="outlined" disabled={del.isPending} onClick={() => del.mutate()} aria-label={`Delete schedule ${s.name}`}>
        Delete
      </Button>
      {del.isError && <Alert severity="error">{problemText(del.error)}</Alert>}
    </>
  );
}

const COLUMNS: Column<Schedule>[] = [
  { header: 'Schedule', cell: (s) => `${s.name} → “${s.campaign.name}”` },
  { header: 'Repeats', cell: (s) => (s.cron ? `cron ${s.cron} (UTC)` : `every ${s.every}`) },
  { header: 'Review time', cell: (s) => `${s.reviewDays} days` },
  { header: 'Next runs', cell: (s) => s.nextRuns.map(formatTime).join('; ') || '—' },
  { header: 'Last runs', cell: (s) => s.recentRuns.map((r) => formatTime(r.at)).join('; ') || 'None yet' },
  { header: 'Actions', cell: (s) => <DeleteSchedule s={s} /> },
];

function NewSchedule() {
  const qc = useQueryClient();
  const { template, fields } = useTemplate();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'every' | 'cron'>('every');
  const [repeat, setRepeat] = useState('90d');
  const [reviewDays, setReviewDays] = useState('14');
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/certification-schedules', {
          body: { name: name.trim(), [kind]: repeat.trim(), campaign: template as NonNullable<typeof template>, reviewDays: Number(reviewDays) },
        }),
      ),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['schedules'] }),
  });
  return (
    <Stack
      component="form"
      aria-label="New schedule"
      spacing={2}
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, md: 4 }}>
          <TextField label="Schedule name" value={name} onChange={(e) => setName(e.target.value)} required fullWidth />
        </Grid>
        <Grid size={{ xs: 12, md: 2 }}>
          <TextField select label="Repeat by" value={kind} onChange={(e) => { setKind(e.target.value as 'every' | 'cron'); setRepeat(e.target.value === 'cron' ? '0 6 1 */3 *' : '90d'); }} fullWidth>
            <MenuItem value="every">Interval</MenuItem>
            <MenuItem value="cron">Calendar (cron, UTC)</MenuItem>
          </TextField>
        </Grid>
        <Grid size={{ xs: 12, md: 3 }}>
          <TextField label={kind === 'every' ? 'Every (e.g. 90d, 12h)' : 'Cron: minute hour day month weekday'} value={repeat} onChange={(e) => setRepeat(e.target.value)} required fullWidth />
        </Grid>
        <Grid size={{ xs: 12, md: 3 }}>
          <TextField label="Days to review" type="number" value={reviewDays} onChange={(e) => setReviewDays(e.target.value)} required fullWidth slotProps={{ htmlInput: { min: 1, max: 365 } }} />
        </Grid>
      </Grid>
      <Typography variant="subtitle1" component="h3">
        Each run starts this campaign
      </Typography>
      {fields}
      {create.isError && <Alert severity="error">{problemText(create.error)}</Alert>}
      {create.isSuccess && <Alert severity="success">Schedule created: first run {formatTime(create.data.nextRuns[0])}.</Alert>}
      <Button type="submit" variant="contained" disabled={!template || !name.trim() || create.isPending} sx={{ alignSelf: 'flex-start' }}>
        Create schedule
      </Button>
    </Stack>
  );
}

/** Recurring campaigns: the list with next and last runs, delete, and a form for a new one. */
export function Schedules() {
  const query = useInfiniteQuery({
    queryKey: ['schedules'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/v1/certification-schedules', { params: { query: { limit: 100, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Stack spacing={4}>
      <DataTable query={query} paging={query} what="schedules" label="Schedules" rows={rows} rowKey={(s) => s.id} columns={COLUMNS} empty="No recurring campaigns." />
      <NewSchedule />
    </Stack>
  );
}
