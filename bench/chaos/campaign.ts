import type { ChaosClient } from './client';
import { completeTasks } from './flows';

interface Campaign {
  id: string;
  name: string;
  status: string;
}

interface Item {
  id: string;
  status: string;
}

interface TaskView {
  id: string;
  status: string;
  deliveredAt: string | null;
}

const NAME = 'chaos certification';

/** Every third item (by id order) is revoked, the rest certified: the same choice on every retry. */
const verdict = (items: Item[], id: string) => ([...items].sort((a, b) => a.id.localeCompare(b.id)).findIndex((i) => i.id === id) % 3 === 0 ? 'revoke' : 'certify');

/**
 * Starts the campaign over ccm's team. A start that got no answer may have been taken: before a
 * retry the campaign is looked up by its name, so the run never starts two.
 */
async function startCampaign(api: ChaosClient): Promise<string> {
  const body = { name: NAME, scope: { type: 'manager', key: 'ccm' }, reviewer: 'manager', fallbackReviewer: 'cmgr', dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), deadlinePolicy: 'keep' };
  for (;;) {
    const existing = await api.call<{ items: Campaign[] }>('GET', '/api/v1/certifications?limit=100', 'cadm');
    const found = existing.body.items?.find((c) => c.name === NAME);
    if (found) return found.id;
    const res = await api.call<{ id?: string }>('POST', '/api/v1/certifications', 'cadm', body);
    if (res.status === 202 && res.body.id) {
      api.ack({ kind: 'campaign', id: res.body.id });
      return res.body.id;
    }
    throw new Error(`campaign start: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** The reviewer decides what is still pending (a retried call never re-decides), then signs off. */
async function review(api: ChaosClient, id: string): Promise<Item[]> {
  const items = async () => (await api.call<{ items: Item[] }>('GET', `/api/v1/certifications/${id}/items?limit=500`, 'ccm')).body.items ?? [];
  const all = await items();
  for (let pending = all; pending.some((i) => i.status === 'pending'); pending = await items()) {
    const decisions = pending.filter((i) => i.status === 'pending').map((i) => ({ item: i.id, decision: verdict(all, i.id), comment: 'chaos review' }));
    const res = await api.call('POST', `/api/v1/certifications/${id}/decisions`, 'ccm', { decisions });
    if (res.status !== 200) throw new Error(`decisions: ${res.status} ${JSON.stringify(res.body)}`);
    for (const d of decisions) api.ack({ kind: 'item', id: d.item, value: d.decision === 'certify' ? 'certified' : 'revoked' });
  }
  const res = await api.call('POST', `/api/v1/certifications/${id}/sign-off`, 'ccm');
  if (res.status === 200) api.ack({ kind: 'signoff', id });
  else if (res.status !== 409) throw new Error(`sign-off: ${res.status} ${JSON.stringify(res.body)}`);
  return all;
}

/**
 * Remediation: revoking a role opens a task on each of its systems for the team member; the
 * owner completes each open one (from their task list) once its ticket arrived, until the
 * campaign completes. Team members (C*) appear in no other flow.
 */
async function remediate(api: ChaosClient, id: string): Promise<void> {
  const completed = new Set<string>();
  for (;;) {
    const c = await api.call<Campaign>('GET', `/api/v1/certifications/${id}`, 'cadm');
    if (c.body.status === 'completed') return;
    const open = (await api.call<{ items?: (TaskView & { identity: string })[] }>('GET', '/api/v1/tasks?status=open&limit=100', 'cown')).body.items ?? [];
    await completeTasks(api, async () => open.filter((t) => /^C[0-9]{4}$/.test(t.identity) && !completed.has(t.id)), 0, completed);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * One certification campaign from start to `completed`: generation, the reviewer's bulk decisions
 * and sign-off, then the owner completing every revoke task once its ticket arrived.
 */
export async function runCampaignFlow(api: ChaosClient): Promise<string> {
  const id = await startCampaign(api);
  await api.until<Campaign>(`/api/v1/certifications/${id}`, 'cadm', (c) => c.status === 'active');
  await review(api, id);
  await remediate(api, id);
  return id;
}
