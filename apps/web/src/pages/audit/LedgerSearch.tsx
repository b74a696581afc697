import { Button, Grid, Link, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, TextField } from '@mui/material';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Empty, QueryView } from '../../components/States';
import { formatTime, viewerZone, zonedIso } from '../../lib/time';
import { eventPhrase } from '../../lib/words';

const FILTERS = [
  ['actor', 'Who (employee id or client)'],
  ['action', 'What (e.g. approval.approved)'],
  ['requestId', 'Request id'],
  ['subjectId', 'About (subject id)'],
] as const;

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
      <QueryView query={query} what="the audit trail">
        {() =>
          rows.length === 0 ? (
            <Empty>No audit records match.</Empty>
          ) : (
            <>
              <TableContainer>
                <Table size="small" aria-label="Audit records">
                  <TableHead>
                    <TableRow>
                      <TableCell>#</TableCell>
                      <TableCell>When</TableCell>
                      <TableCell>Who</TableCell>
                      <TableCell>What</TableCell>
                      <TableCell>Request</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {rows.map((r) => (
                      <TableRow key={r.seq}>
                        <TableCell>{r.seq}</TableCell>
                        <TableCell>{formatTime(r.occurredAt)}</TableCell>
                        <TableCell>{r.actor.type === 'system' ? 'The service' : `${r.actor.name} (${r.actor.id})`}</TableCell>
                        <TableCell>
                          {eventPhrase(r)} <code>{r.action}</code>
                        </TableCell>
                        <TableCell>{r.requestId ? <Link component={RouterLink} to={`/requests/${r.requestId}`}>Open</Link> : '—'}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </TableContainer>
              {query.hasNextPage && (
                <Button onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
                  Show more
                </Button>
              )}
            </>
          )
        }
      </QueryView>
    </>
  );
}
