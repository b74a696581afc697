import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One sample of a Prometheus text exposition: its metric name, labels and value. */
export interface Sample { name: string; labels: Record<string, string>; value: number }

/** Parses Prometheus text format 0.0.4 (what prom-client and the Temporal SDK serve). */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`not a Prometheus sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels` (undefined: none). */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length > 1) throw new Error(`${hits.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return hits[0]?.value;
}

/** GETs a /metrics URL and parses it (throws unless 200). */
export async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(url);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body}`);
  return parsePrometheus(body);
}

/**
 * The metric names (`jml_…` or `temporal_…`) that the alert rules and the Grafana dashboard in
 * docs/ops/ query: the tests scrape the real processes and require every one of them to exist.
 */
export function opsMetricNames(prefix: 'jml_' | 'temporal_'): string[] {
  const ops = join(__dirname, '..', '..', 'docs', 'ops');
  const text = ['alerts.yml', 'grafana-dashboard.json'].map((f) => readFileSync(join(ops, f), 'utf8')).join('\n');
  return [...new Set(text.match(new RegExp(`\\b${prefix}[a-z0-9_]+`, 'g')) ?? [])].sort();
}
