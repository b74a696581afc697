import { Box } from '@mui/material';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface BarSeries {
  key: string;
  name: string;
  fill: string;
}

/**
 * The reports' one chart shape: counts per category as bars, stacked when there are several series
 * (with a legend then). `label` describes the chart for screen readers; the table under each chart
 * carries the same numbers as text.
 */
export function BarsChart({ rows, category, series, label, height }: { rows: object[]; category: string; series: BarSeries[]; label: string; height: number }) {
  const stacked = series.length > 1;
  return (
    <Box sx={{ height }} role="img" aria-label={label}>
      <ResponsiveContainer>
        <BarChart data={rows}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey={category} />
          <YAxis allowDecimals={false} />
          <Tooltip />
          {stacked && <Legend />}
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.fill} stackId={stacked ? 'a' : undefined} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </Box>
  );
}
