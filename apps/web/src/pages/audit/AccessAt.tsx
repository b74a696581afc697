import { Button, Grid, Link, TextField, Typography } from '@mui/material';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link as RouterLink, useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { DataTable } from '../../components/DataTable';
import { useZonedTime, ZonedTimeField } from '../../components/ZonedTimeField';
import { formatTime } from '../../lib/time';

type Row = Schemas['AccessReportItemDto'];

function why(r: Row) {
  if (r.provenance === 'imported') return 'Imported from the old records, never approved here';
  const by = r.approvedBy.length > 0 ? `Approved by ${r.approvedBy.join(', ')}` : 'Granted';
  return r.requestId ? (
    <Link component={RouterLink} to={`/requests/${r.requestId}`}>
      {by}
    </Link>
  ) : (
    by
  );
}

const COLUMNS = [
  { header: 'Person', cell: (r: Row) => `${r.identityName} (${r.identity})` },
  { header: 'Role', cell: (r: Row) => `${r.role} (version ${r.roleVersion})` },
  { header: 'Access', cell: (r: Row) => r.entitlements.map((e) => `${e.system}: ${e.entitlement}`).join(', ') },
  { header: 'Why', cell: why },
  { header: 'Since', cell: (r: Row) => formatTime(r.grantedAt) },
  { header: 'Ended', cell: (r: Row) => (r.revokedAt ? `${formatTime(r.revokedAt)}${r.revokeReason ? ` (${r.revokeReason})` : ''}` : 'Still held') },
];

/**
 * Who had which access at a past moment (`GET /reports/access?at=`), for an auditor sampling a
 * date: the moment is typed in any time zone and kept in the address, so the page can be linked.
 */
export function AccessAt() {
  const [params, setParams] = useSearchParams();
  const at = params.get('at') ?? '';
  const identity = params.get('identity') ?? '';
  const system = params.get('system') ?? '';
  const time = useZonedTime(at && !Number.isNaN(Date.parse(at)) ? Date.parse(at) : Date.now());
  const [draft, setDraft] = useState({ identity, system });
  const filters = { ...(at ? { at } : {}), ...(identity ? { identity } : {}), ...(system ? { system } : {}) };
  const query = useInfiniteQuery({
    queryKey: ['reports', 'access', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/v1/reports/access', { params: { query: { ...filters, limit: 100, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const show = () => {
    const next = new URLSearchParams();
    if (time.iso) next.set('at', time.iso);
    if (draft.identity.trim()) next.set('identity', draft.identity.trim());
    if (draft.system.trim()) next.set('system', draft.system.trim());
    setParams(next, { replace: true });
  };
  return (
    <>
      <Grid
        container
        spacing={2}
        component="form"
        aria-label="Access at a moment"
        sx={{ mb: 2 }}
        onSubmit={(e) => {
          e.preventDefault();
          show();
        }}
      >
        <Grid size={{ xs: 12, md: 6 }}>
          <ZonedTimeField label="Moment" time={time} required />
        </Grid>
        <Grid size={{ xs: 12, md: 2 }}>
          <TextField size="small" fullWidth label="Person (employee id)" value={draft.identity} onChange={(e) => setDraft((d) => ({ ...d, identity: e.target.value }))} />
        </Grid>
        <Grid size={{ xs: 12, md: 2 }}>
          <TextField size="small" fullWidth label="System" value={draft.system} onChange={(e) => setDraft((d) => ({ ...d, system: e.target.value }))} />
        </Grid>
        <Grid size={{ xs: 12, md: 2 }}>
          <Button type="submit" variant="contained" disabled={!time.iso}>
            Show access
          </Button>
        </Grid>
      </Grid>
      <Typography sx={{ mb: 1 }}>
        {at ? `Access held on ${formatTime(at)}.` : 'Access held now.'}
      </Typography>
      <DataTable
        query={query}
        paging={query}
        what="the access report"
        label="Access held"
        rows={rows}
        rowKey={(r) => `${r.identity}/${r.role}/${r.grantedAt}`}
        columns={COLUMNS}
        empty={at ? 'Nobody held access matching this at that moment.' : 'Nobody holds access matching this.'}
      />
    </>
  );
}
