import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { api, jsonOf, unwrap } from '../../api/client';
import { Empty, QueryView } from '../../components/States';
import { formatDate } from '../../lib/time';
import { BarsChart } from './BarsChart';

const GRANT = '#01579b';
const REVOKE = '#8a4500';

/** Manual provisioning work per system (the last 90 days, projected to a year): the case for automating it. */
export function ManualEffort() {
  const query = useQuery({ queryKey: ['reports', 'manual-effort'], queryFn: () => unwrap(api.GET('/api/v1/reports/manual-effort')).then(jsonOf) });
  return (
    <QueryView query={query} what="the manual-effort report">
      {(r) => {
        if (r.items.length === 0) return <Empty>No manual tasks in this period.</Empty>;
        const money = (n: number) => n.toLocaleString(undefined, { style: 'currency', currency: r.currency, maximumFractionDigits: 0 });
        const rows = r.items.map((i) => ({ system: i.systemName, grant: i.tasks.grant, revoke: i.tasks.revoke }));
        return (
          <>
            <Typography sx={{ mb: 1 }}>
              {formatDate(r.from)} to {formatDate(r.to)}: {r.totals.tasks} manual tasks, {r.totals.hours} hours, {money(r.totals.cost)}; about {money(r.totals.yearly.cost)} a year.
            </Typography>
            <BarsChart rows={rows} category="system" height={260} label="Manual tasks per system: access given and removed" series={[{ key: 'grant', name: 'Access given', fill: GRANT }, { key: 'revoke', name: 'Access removed', fill: REVOKE }]} />
            <Table size="small" aria-label="Manual effort per system">
              <TableHead>
                <TableRow>
                  <TableCell>System</TableCell>
                  <TableCell align="right">Tasks</TableCell>
                  <TableCell align="right">Median hours to confirm</TableCell>
                  <TableCell align="right">Overdue</TableCell>
                  <TableCell align="right">Hours</TableCell>
                  <TableCell align="right">Cost a year</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {r.items.map((i) => (
                  <TableRow key={i.system}>
                    <TableCell>{i.systemName}</TableCell>
                    <TableCell align="right">{i.tasks.total}</TableCell>
                    <TableCell align="right">{i.hoursToAttest.median ?? '—'}</TableCell>
                    <TableCell align="right">{i.overdue}</TableCell>
                    <TableCell align="right">{i.effort.hours}</TableCell>
                    <TableCell align="right">{money(i.yearly.cost)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
              {r.method}
            </Typography>
          </>
        );
      }}
    </QueryView>
  );
}
