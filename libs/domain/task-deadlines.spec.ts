import { dueTaskActions, escalationAt, escalationStep, nextTaskDeadline, type TaskClock, type TaskDeadlineRules } from './task-deadlines';

const H = 3_600_000;
const due = '2026-11-30T12:00:00.000Z';
const dueMs = Date.parse(due);
const rules: TaskDeadlineRules = { reminderBeforeDueMs: 2 * H, escalationIntervalMs: 4 * H, maxEscalations: 3 };
const task = (over: Partial<TaskClock> = {}): TaskClock => ({ dueAt: due, reminded: false, escalationLevel: 0, ...over });

describe('task deadlines', () => {
  it('reminds once before the due time, then escalates at due and every interval after', () => {
    expect(nextTaskDeadline(task(), rules, dueMs - 5 * H)).toBe(dueMs - 2 * H);
    expect(dueTaskActions(task(), rules, dueMs - 5 * H)).toEqual([]);
    expect(dueTaskActions(task(), rules, dueMs - H)).toEqual([{ kind: 'remind' }]);
    expect(nextTaskDeadline(task({ reminded: true }), rules, dueMs - H)).toBe(dueMs);
    expect(dueTaskActions(task({ reminded: true }), rules, dueMs)).toEqual([{ kind: 'escalate', level: 1, step: 'reminder' }]);
    expect(nextTaskDeadline(task({ reminded: true, escalationLevel: 1 }), rules, dueMs)).toBe(dueMs + 4 * H);
    expect(escalationAt(due, 3, rules)).toBe(dueMs + 8 * H);
  });

  it('a task created already due gets no reminder, only its escalations', () => {
    expect(dueTaskActions(task(), rules, dueMs + 1)).toEqual([{ kind: 'escalate', level: 1, step: 'reminder' }]);
  });

  it('catches up every missed level in order, never skipping one', () => {
    expect(dueTaskActions(task({ reminded: true }), rules, dueMs + 9 * H).map((a) => a.kind === 'escalate' && a.step)).toEqual([
      'reminder', 'owners_manager', 'admins',
    ]);
  });

  it('stops after the last level: nothing further fires, nothing is due', () => {
    const done = task({ reminded: true, escalationLevel: 3 });
    expect(dueTaskActions(done, rules, dueMs + 100 * H)).toEqual([]);
    expect(nextTaskDeadline(done, rules, dueMs + 100 * H)).toBeNull();
    expect(nextTaskDeadline(task({ escalationLevel: 1 }), { ...rules, maxEscalations: 1 }, dueMs)).toBeNull();
  });

  it('a zero reminder lead means no reminder; a zero interval fires every level at the due time', () => {
    expect(dueTaskActions(task(), { ...rules, reminderBeforeDueMs: 0 }, dueMs - H)).toEqual([]);
    expect(dueTaskActions(task(), { ...rules, escalationIntervalMs: 0 }, dueMs)).toHaveLength(3);
  });

  it('levels name their step; levels below 1 are refused', () => {
    expect([1, 2, 3, 4].map(escalationStep)).toEqual(['reminder', 'owners_manager', 'admins', 'admins']);
    expect(() => escalationStep(0)).toThrow(RangeError);
  });
});
