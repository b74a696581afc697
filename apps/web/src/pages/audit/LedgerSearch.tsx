import { Button, Grid, Link, TextField } from '@mui/material';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { DataTable } from '../../components/DataTable';
import { formatTime, viewerZone, zonedIso } from '../../lib/time';
import { eventPhrase } from '../../lib/words';

const FILTERS = [
  ['actor', 'Who (employee id or client)'],
  ['action', 'What (e.g. approval.approved)'],
  ['requestId', 'Request id'],
  ['subjectId', 'About (subject id)'],
] as const;

type Row = Schemas['AuditPageDto']['items'][number];

const COLUMNS = [
  { header: '#', cell: (r: Row) => r.seq },
  { header: 'When', cell: (r: Row) => formatTime(r.occurredAt) },
  { header: 'Who', cell: (r: Row) => (r.actor.type === 'system' ? 'The service' : `${r.actor.name} (${r.actor.id})`) },
  {
    header: 'What',
    cell: (r: Row) => (
      <>
        {eventPhrase(r)} <code>{r.action}</code>
      </>
    ),
  },
  { header: 'Request', cell: (r: Row) => (r.requestId ? <Link component={RouterLink} to={`/requests/${r.requestId}`}>Open</Link> : '—') },
];

/** Search the ledger by who, what, request and time; export the same selection with its hash proof. */
export function LedgerSearch() {
  const [params, setParams] = useSearchParams();
  const [draft, setDraft] = useState<Record<string, string>>(() => Object.fromEntries([...FILTERS.map(([k]) => k), 'from', 'to'].map((k) => [k, params.get(k) ?? ''])));
  const filters = Object.fromEntries([...params.entries()].filter(([k, v]) => v && k !== 'tab'));
  const query = useInfiniteQuery({
    queryKey: ['audit', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/v1/audit', { params: { query: { ...filters, limit: 100, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const apply = () => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(draft)) {
      if (!v.trim()) continue;
      next.set(k, k === 'from' || k === 'to' ? (zonedIso(v, viewerZone()) ?? v) : v.trim());
    }
    setParams(next, { replace: true });
  };
  const exportUrl = (format: 'csv' | 'jsonl') => `/api/v1/audit/export?${new URLSearchParams({ ...filters, format }).toString()}`;
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <Grid
        container
        spacing={2}
        component="form"
        role="search"
        aria-label="Search the audit trail"
        sx={{ mb: 2 }}
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        {FILTERS.map(([k, label]) => (
          <Grid key={k} size={{ xs: 12, md: 3 }}>
            <TextField size="small" fullWidth label={label} value={draft[k]} onChange={(e) => setDraft((d) => ({ ...d, [k]: e.target.value }))} />
          </Grid>
        ))}
        {(['from', 'to'] as const).map((k) => (
          <Grid key={k} size={{ xs: 12, md: 3 }}>
            <TextField
              size="small"
              fullWidth
              type="datetime-local"
              label={k === 'from' ? 'From (your time)' : 'Until (your time)'}
              value={draft[k].length > 16 ? draft[k].slice(0, 16) : draft[k]}
              onChange={(e) => setDraft((d) => ({ ...d, [k]: e.target.value }))}
              slotProps={{ inputLabel: { shrink: true } }}
            />
          </Grid>
        ))}
        <Grid size={{ xs: 12, md: 6 }} sx={{ display: 'flex', gap: 1, alignItems: 'center' }}>
          <Button type="submit" variant="contained">
            Search
          </Button>
          <Button href={exportUrl('csv')} variant="outlined">
            Export CSV
          </Button>
          <Button href={exportUrl('jsonl')} variant="outlined">
            Export JSON lines
          </Button>
        </Grid>
      </Grid>
      <DataTable
        query={query}
        paging={query}
        what="the audit trail"
        label="Audit records"
        rows={rows}
        rowKey={(r) => r.seq}
        columns={COLUMNS}
        empty="No audit records match."
      />
    </>
  );
}
