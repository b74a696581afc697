import { Button, Link, MenuItem, Stack, TextField } from '@mui/material';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { CancelRequest } from '../../actions/CancelRequest';
import type { paths } from '../../api/schema';
import { StatusChip } from '../../components/Chips';
import { Page } from '../../components/Page';
import { DataTable } from '../../components/DataTable';
import { usePeopleNames } from '../../lib/catalog';
import { formatTime } from '../../lib/time';
import { KIND_WORDS, STATUS_WORDS, words } from '../../lib/words';

type ListQuery = NonNullable<paths['/api/v1/requests']['get']['parameters']['query']>;
type Status = NonNullable<ListQuery['status']>;
type Kind = NonNullable<ListQuery['kind']>;

const STATUSES: Status[] = ['scheduled', 'pending_approval', 'rejected', 'provisioning', 'completed', 'cancelled'];
const KINDS: Kind[] = ['joiner', 'mover', 'leaver'];

/** Requests I am involved in (all of them for admins and auditors), filtered by kind, status and person. */
export function RequestsPage() {
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? '') as Status | '';
  const kind = (params.get('kind') ?? '') as Kind | '';
  const identity = params.get('identity') ?? '';
  const [person, setPerson] = useState(identity);
  const query = useInfiniteQuery({
    queryKey: ['requests', 'list', status, kind, identity],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/v1/requests', {
          params: { query: { limit: 50, cursor: pageParam, ...(status ? { status } : {}), ...(kind ? { kind } : {}), ...(identity ? { identity } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const names = usePeopleNames(items.flatMap((r) => [r.identity, r.requester]));
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  return (
    <Page title="Requests" intro="Requests you asked for, approve, carry out or are the subject of.">
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} sx={{ mb: 2 }} component="form" role="search" aria-label="Filter requests" onSubmit={(e) => { e.preventDefault(); set('identity', person.trim()); }}>
        <TextField select label="Kind" value={kind} onChange={(e) => set('kind', e.target.value)} size="small" sx={{ minWidth: 160 }}>
          <MenuItem value="">All kinds</MenuItem>
          {KINDS.map((k) => (
            <MenuItem key={k} value={k}>
              {words(KIND_WORDS, k)}
            </MenuItem>
          ))}
        </TextField>
        <TextField select label="Status" value={status} onChange={(e) => set('status', e.target.value)} size="small" sx={{ minWidth: 200 }}>
          <MenuItem value="">Any status</MenuItem>
          {STATUSES.map((s) => (
            <MenuItem key={s} value={s}>
              {words(STATUS_WORDS, s)}
            </MenuItem>
          ))}
        </TextField>
        <TextField label="Person (employee id)" value={person} onChange={(e) => setPerson(e.target.value)} size="small" />
        <Button type="submit" variant="outlined">
          Filter
        </Button>
      </Stack>
      <DataTable
        query={query}
        paging={query}
        what="requests"
        label="Requests"
        rows={items}
        rowKey={(r) => r.id}
        empty="No requests match."
        columns={[
          {
            header: 'Request',
            cell: (r) => (
              <Link component={RouterLink} to={`/requests/${r.id}`}>
                {words(KIND_WORDS, r.kind)}
                {r.roles.length > 0 && `: ${r.roles.join(', ')}`}
              </Link>
            ),
          },
          { header: 'Person', cell: (r) => `${names[r.identity]} (${r.identity})` },
          { header: 'Status', cell: (r) => <StatusChip status={r.status} /> },
          { header: 'Asked by', cell: (r) => names[r.requester] },
          { header: 'Asked on', cell: (r) => formatTime(r.createdAt) },
          { header: 'Closed on', cell: (r) => formatTime(r.completedAt) },
          { header: 'Actions', cell: (r) => <CancelRequest request={r} size="small" /> },
        ]}
      />
    </Page>
  );
}
