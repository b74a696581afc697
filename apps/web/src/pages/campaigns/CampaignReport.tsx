import { Box, Button, Link, Stack, Typography } from '@mui/material';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link as RouterLink } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { StatusChip } from '../../components/Chips';
import { DataTable, type Column } from '../../components/DataTable';
import { QueryView } from '../../components/States';
import { formatTime } from '../../lib/time';

type Campaign = Schemas['CampaignSummaryDto'];

const COLUMNS: Column<Campaign>[] = [
  {
    header: 'Campaign',
    cell: (c) => (
      <Link component={RouterLink} to={`/campaigns/report/${c.id}`}>
        {c.name}
      </Link>
    ),
  },
  { header: 'Status', cell: (c) => <StatusChip status={c.status} /> },
  { header: 'Due', cell: (c) => formatTime(c.dueAt) },
  { header: 'Started by', cell: (c) => (c.scheduleId ? `Schedule (${c.createdBy})` : c.createdBy) },
  { header: 'Closed', cell: (c) => formatTime(c.completedAt) },
];

/** Every campaign (admins and auditors see all), each opening its report. */
export function CampaignList() {
  const query = useInfiniteQuery({
    queryKey: ['campaigns', 'all'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/v1/certifications', { params: { query: { limit: 100, cursor: pageParam } } })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  return <DataTable query={query} paging={query} what="campaigns" label="Campaigns" rows={rows} rowKey={(c) => c.id} columns={COLUMNS} empty="No campaigns yet." />;
}

/**
 * A campaign's report as the API gives it (access at launch, every decision, remediation, access
 * after): the JSON shown as is, and the CSV to download for a spreadsheet.
 */
export function CampaignReport({ id }: { id: string }) {
  const campaign = useQuery({ queryKey: ['campaign', id], queryFn: () => unwrap(api.GET('/api/v1/certifications/{id}', { params: { path: { id } } })) });
  const report = useQuery({
    queryKey: ['campaign-report', id],
    // The report's shape is documented in words only (ADR 171): it is shown, not interpreted.
    queryFn: async () => (await unwrap(api.GET('/api/v1/certifications/{id}/report', { params: { path: { id } }, parseAs: 'json' }))) as unknown,
  });
  const csv = `/api/v1/certifications/${encodeURIComponent(id)}/report?format=csv`;
  return (
    <Box component="section" aria-labelledby="report-heading">
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center', mb: 2 }}>
        <Typography variant="h5" component="h2" id="report-heading">
          Report: {campaign.data?.name ?? id}
        </Typography>
        {campaign.data && <StatusChip status={campaign.data.status} />}
        <Button href={csv} variant="outlined" download>
          Download CSV
        </Button>
        <Button component={RouterLink} to="/campaigns/reports">
          All campaigns
        </Button>
      </Stack>
      <QueryView query={report} what="the campaign report">
        {(data) => (
          <Box component="pre" tabIndex={0} aria-label="Campaign report (JSON)" sx={{ p: 2, bgcolor: 'grey.100', overflow: 'auto', maxHeight: 600, fontSize: 13 }}>
            {JSON.stringify(data, null, 2)}
          </Box>
        )}
      </QueryView>
    </Box>
  );
}
