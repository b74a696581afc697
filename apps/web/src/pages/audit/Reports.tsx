import { Grid, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { Empty, QueryView } from '../../components/States';
import { BarsChart } from './BarsChart';
import { ManualEffort } from './ManualEffort';

/** Colours with at least 3:1 contrast against white (WCAG 1.4.11), told apart by the legend as well. */
const MET = '#1b5e20';
const BREACHED = '#b71c1c';
const PENDING = '#01579b';

type SlaItem = { system: string; sla: string };

export function slaBySystem(items: SlaItem[]) {
  const by = new Map<string, { system: string; met: number; breached: number; pending: number }>();
  for (const i of items) {
    const row = by.get(i.system) ?? { system: i.system, met: 0, breached: 0, pending: 0 };
    if (i.sla === 'met' || i.sla === 'breached' || i.sla === 'pending') row[i.sla] += 1;
    by.set(i.system, row);
  }
  return [...by.values()].sort((a, b) => a.system.localeCompare(b.system));
}

function LeaverSla() {
  const query = useQuery({ queryKey: ['reports', 'leaver-sla'], queryFn: () => unwrap(api.GET('/api/v1/reports/leaver-sla', { params: { query: { limit: 500 } } })) });
  return (
    <QueryView query={query} what="the leaver deadline report">
      {(data) => {
        const rows = slaBySystem(data.items);
        if (rows.length === 0) return <Empty>No leaver tasks yet.</Empty>;
        return (
          <>
            <BarsChart
              rows={rows}
              category="system"
              height={280}
              label="Leaver access removals per system: on time, late and still open"
              series={[{ key: 'met', name: 'On time', fill: MET }, { key: 'breached', name: 'Late', fill: BREACHED }, { key: 'pending', name: 'Still open', fill: PENDING }]}
            />
            <Table size="small" aria-label="Leaver deadlines per system">
              <TableHead>
                <TableRow>
                  <TableCell>System</TableCell>
                  <TableCell align="right">On time</TableCell>
                  <TableCell align="right">Late</TableCell>
                  <TableCell align="right">Still open</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {rows.map((r) => (
                  <TableRow key={r.system}>
                    <TableCell>{r.system}</TableCell>
                    <TableCell align="right">{r.met}</TableCell>
                    <TableCell align="right">{r.breached}</TableCell>
                    <TableCell align="right">{r.pending}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </>
        );
      }}
    </QueryView>
  );
}

function SodReport() {
  const query = useQuery({ queryKey: ['reports', 'sod'], queryFn: () => unwrap(api.GET('/api/v1/reports/sod', { params: { query: { limit: 500 } } })) });
  return (
    <QueryView query={query} what="the separation-of-duties report">
      {(data) => {
        const byRule = new Map<string, number>();
        for (const i of data.items) for (const f of i.findings) byRule.set(f.name, (byRule.get(f.name) ?? 0) + 1);
        const rows = [...byRule.entries()].map(([rule, people]) => ({ rule, people }));
        return (
          <>
            <Typography sx={{ mb: 1 }}>
              {data.identitiesInConflict} of {data.identitiesEvaluated} people hold conflicting access today ({data.rulesEvaluated} rules checked).
            </Typography>
            {rows.length === 0 ? (
              <Empty>Nobody holds conflicting access.</Empty>
            ) : (
              <>
                <BarsChart rows={rows} category="rule" height={240} label="People in conflict per separation-of-duties rule" series={[{ key: 'people', name: 'People in conflict', fill: BREACHED }]} />
                <ul>
                  {data.items.map((i) => (
                    <li key={i.identity}>
                      {i.name} ({i.identity}): {i.findings.map((f) => f.name).join(', ')}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </>
        );
      }}
    </QueryView>
  );
}

/** Reports with charts: leaver deadlines per system, manual work per system, and who holds conflicting access. */
export function Reports() {
  return (
    <Grid container spacing={4}>
      <Grid size={{ xs: 12, lg: 6 }}>
        <Typography variant="h5" component="h2" gutterBottom>
          Leavers: access removed on time, per system
        </Typography>
        <LeaverSla />
      </Grid>
      <Grid size={12}>
        <Typography variant="h5" component="h2" gutterBottom>
          Manual work per system
        </Typography>
        <ManualEffort />
      </Grid>
      <Grid size={{ xs: 12, lg: 6 }}>
        <Typography variant="h5" component="h2" gutterBottom>
          Conflicting access (separation of duties)
        </Typography>
        <SodReport />
      </Grid>
    </Grid>
  );
}
