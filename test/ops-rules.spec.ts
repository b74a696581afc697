import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ops = join(__dirname, '..', 'docs', 'ops');
const promtool = process.env.PROMTOOL ?? 'promtool';

/**
 * The alert rules in docs/ops/ parse (`promtool check rules`) and fire on exactly the series their
 * unit tests give (`promtool test rules`). promtool comes from Debian's `prometheus` package, which
 * .ci/run installs when missing: without it this test fails rather than passing unchecked.
 */
describe('Prometheus alert rules (docs/ops/alerts.yml)', () => {
  const run = (...args: string[]) => execFileSync(promtool, args, { cwd: ops, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it('pass promtool check rules', () => {
    expect(run('check', 'rules', 'alerts.yml')).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('pass their promtool unit tests (each alert fires when it should and only then)', () => {
    expect(run('test', 'rules', 'alerts.test.yml')).toMatch(/SUCCESS/);
  });

  it('the Grafana dashboard queries only valid PromQL (each checked by promtool as a recording rule)', () => {
    const dashboard = JSON.parse(readFileSync(join(ops, 'grafana-dashboard.json'), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    expect(exprs.length).toBeGreaterThan(20);
    const rules = { groups: [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `dashboard:panel_${i}`, expr })) }] };
    const file = join(mkdtempSync(join(tmpdir(), 'jml-dashboard-')), 'dashboard-rules.yml');
    writeFileSync(file, JSON.stringify(rules)); // JSON is YAML
    expect(run('check', 'rules', file)).toMatch(new RegExp(`SUCCESS: ${exprs.length} rules found`));
  });
});
