import type { ChaosClient } from './client';
import { joinerKey, leaverKey, moverKey } from './seed';

export type FlowKind = 'joiner' | 'mover' | 'leaver';

export interface RequestFlow {
  kind: FlowKind;
  index: number;
  id: string;
}

interface TaskView {
  id: string;
  status: string;
  deliveredAt: string | null;
}

interface RequestView {
  id: string;
  status: string;
  tasks: TaskView[];
}

interface Page<T> {
  items: T[];
}

const SYSTEMS = 3;

/** The request a flow starts: who asks, where, and with what body. */
function intake(kind: FlowKind, i: number): { who: string; path: string; key: string; body: unknown } {
  if (kind === 'joiner') {
    const key = joinerKey(i);
    const identity = { key, username: key.toLowerCase(), email: `${key.toLowerCase()}@example.org`, name: `Chaos ${key}`, department: 'Chaos', title: 'Tester', manager: 'cmgr', startDate: '2027-01-04' };
    return { who: 'creq', path: '/api/v1/requests/joiner', key, body: { identity, roles: ['chaos-a'], justification: 'chaos joiner' } };
  }
  if (kind === 'mover') {
    const key = moverKey(i);
    return { who: 'creq', path: '/api/v1/requests/mover', key, body: { identity: key, addRoles: ['chaos-b'], justification: 'chaos mover' } };
  }
  const key = leaverKey(i);
  return { who: 'hr', path: '/api/v1/requests/leaver', key, body: { identity: key, reason: 'voluntary' } };
}

/**
 * Starts the request. A 409 after an attempt that got no answer means that attempt was taken
 * (one open request per identity): the request is then found by its identity.
 */
async function startRequest(api: ChaosClient, kind: FlowKind, i: number): Promise<string> {
  const { who, path, key, body } = intake(kind, i);
  const res = await api.call<{ id?: string; message?: string }>('POST', path, who, body);
  if (res.status === 202 && res.body.id) {
    api.ack({ kind: 'request', id: res.body.id });
    return res.body.id;
  }
  if (res.status === 409) {
    const found = await api.call<Page<{ id: string }>>('GET', `/api/v1/requests?identity=${key}&kind=${kind}`, 'cadm');
    if (found.body.items?.length === 1) return found.body.items[0].id;
  }
  throw new Error(`${kind} ${key}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The manager approves through the API (409: an earlier unanswered attempt already decided). */
async function approve(api: ChaosClient, id: string): Promise<void> {
  await api.until<RequestView>(`/api/v1/requests/${id}`, 'cadm', hasPendingStep);
  const res = await api.call('POST', `/api/v1/requests/${id}/decisions`, 'cmgr', { decision: 'approve', comment: 'chaos approval' });
  if (res.status === 201) api.ack({ kind: 'decision', id });
  else if (res.status !== 409) throw new Error(`decision on ${id}: ${res.status} ${JSON.stringify(res.body)}`);
}

const hasPendingStep = (r: RequestView) => r.status === 'pending_approval' && ((r as unknown as { approvals?: { status: string }[] }).approvals ?? []).some((a) => a.status === 'pending');

/**
 * The system owner completes each task once its ticket was delivered (the owner acts on the
 * ticket), then the flow waits for the request to complete.
 */
export async function completeTasks(api: ChaosClient, read: () => Promise<TaskView[]>, expected: number, done = new Set<string>()): Promise<void> {
  do {
    const tasks = await read();
    for (const t of tasks.filter((x) => x.deliveredAt && !done.has(x.id))) {
      if (t.status === 'open') {
        const res = await api.call('POST', `/api/v1/tasks/${t.id}/complete`, 'cown', { note: 'done in the chaos run' });
        if (res.status === 200) api.ack({ kind: 'task', id: t.id });
        else if (res.status !== 409) throw new Error(`complete ${t.id}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      done.add(t.id);
    }
    if (done.size < expected) await new Promise((r) => setTimeout(r, 300));
  } while (done.size < expected);
}

/** One joiner, mover or leaver from intake to `completed`, every step through the API. */
export async function runRequestFlow(api: ChaosClient, kind: FlowKind, i: number): Promise<RequestFlow> {
  const id = await startRequest(api, kind, i);
  if (kind !== 'leaver') await approve(api, id);
  const read = async () => (await api.until<RequestView>(`/api/v1/requests/${id}`, 'cadm', (r) => r.tasks.length === SYSTEMS)).tasks;
  await completeTasks(api, read, SYSTEMS);
  await api.until<RequestView>(`/api/v1/requests/${id}`, 'cadm', (r) => r.status === 'completed' || r.status === 'rejected' || r.status === 'cancelled');
  return { kind, index: i, id };
}
