/**
 * Plain words for the API's codes. The API speaks in stable identifiers (`pending_approval`,
 * `approval.approved`); people read "Waiting for approval" and "approved". One place, so every
 * page says the same thing.
 */

export const STATUS_WORDS: Record<string, string> = {
  scheduled: 'Scheduled',
  pending_approval: 'Waiting for approval',
  rejected: 'Rejected',
  provisioning: 'Being carried out',
  deprovisioning: 'Access being removed',
  completed: 'Completed',
  cancelled: 'Cancelled',
  open: 'To do',
  done: 'Done',
  waiting: 'Not started yet',
  pending: 'Waiting for a decision',
  approved: 'Approved',
};

export const KIND_WORDS: Record<string, string> = {
  joiner: 'New starter',
  mover: 'Change of job',
  leaver: 'Leaver',
};

export const REASON_WORDS: Record<string, string> = {
  voluntary: 'Resigned or retired',
  involuntary: 'Let go (not for cause)',
  for_cause: 'Dismissed for cause',
};

export const RISK_WORDS: Record<string, string> = { low: 'Low risk', medium: 'Medium risk', high: 'High risk' };

export const CHANNEL_WORDS: Record<string, string> = {
  queue: 'task list in this tool',
  webhook: 'helpdesk ticket',
  email: 'email to a shared inbox',
};

export const APPROVER_KIND_WORDS: Record<string, string> = {
  manager: "the person's manager",
  role_owner: 'the owner of the role',
  system_owner: 'an owner of the system',
  identity: 'a named person',
  group: 'a member of the approver group',
};

export const words = (map: Record<string, string>, code: string | null | undefined): string =>
  code ? (map[code] ?? code.replace(/_/g, ' ')) : '—';

interface EventLike {
  action: string;
  details: Record<string, unknown>;
  subject: { type: string; id: string };
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : null);

/** What happened, as a short phrase that follows the actor's name: "Jane Doe approved step 1". */
export function eventPhrase(e: EventLike): string {
  const d = e.details ?? {};
  const system = str(d.system) ?? str(d.systemKey);
  const on = system ? ` on ${system}` : '';
  const step = str(d.step);
  const comment = str(d.comment);
  const said = comment ? `: “${comment}”` : '';
  const phrases: Record<string, string> = {
    'request.created': 'asked for this request',
    'sod.evaluated': 'checked the access against the separation-of-duties rules',
    'request.planned': 'worked out the approvals and tasks needed',
    'approval.step_opened': `asked for approval${step ? ` (step ${step})` : ''}`,
    'approval.approved': `approved${step ? ` step ${step}` : ''}${said}`,
    'approval.rejected': `rejected${step ? ` step ${step}` : ''}${said}`,
    'approval.decided': `decided${step ? ` step ${step}` : ''}${said}`,
    'approval.reminded': 'sent a reminder to the approvers',
    'approval.escalated': "passed the approval to the approver's manager (it was overdue)",
    'request.approved': 'recorded the request as approved',
    'request.rejected': 'closed the request as rejected',
    'request.cancelled': 'cancelled the request',
    'request.completed': 'closed the request as completed',
    'task.created': `created a task${on}`,
    'task.reminded': `reminded the system owners of the task${on}`,
    'task.escalated': `escalated the overdue task${on}`,
    'task.completed': `confirmed the task${on} is done${str(d.note) ? `: “${str(d.note)}”` : ''}`,
    'task.cancelled': `cancelled the task${on}`,
    'ticket.delivered': `delivered the ticket${on}`,
    'ticket.delivery_failed': `could not deliver the ticket${on} (will retry)`,
    'ticket.resolved': `was told by the helpdesk the ticket${on} is resolved`,
    'access.granted': `recorded the access as granted${on}`,
    'access.revoked': `recorded the access as removed${on}`,
    'identity.created': 'recorded the new person',
    'identity.activated': "made the person's record active",
    'identity.updated': "updated the person's record",
    'identity.terminated': "ended the person's employment record",
    'leaver.effective': 'made the leaver effective',
    'leaver.brought_forward': 'brought the leaving date forward',
    'app_role.granted': 'gave a role in this tool',
    'app_role.revoked': 'took away a role in this tool',
  };
  return phrases[e.action] ?? e.action.replace(/[._]/g, ' ');
}
