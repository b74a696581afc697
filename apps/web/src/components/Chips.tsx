import { Chip } from '@mui/material';
import { STATUS_WORDS, words } from '../lib/words';

const STATUS_COLOR: Record<string, 'default' | 'primary' | 'success' | 'error' | 'warning' | 'info'> = {
  pending_approval: 'warning',
  pending: 'warning',
  scheduled: 'info',
  provisioning: 'primary',
  deprovisioning: 'primary',
  open: 'primary',
  completed: 'success',
  done: 'success',
  approved: 'success',
  rejected: 'error',
  cancelled: 'default',
};

export function StatusChip({ status }: { status: string }) {
  return <Chip size="small" label={words(STATUS_WORDS, status)} color={STATUS_COLOR[status] ?? 'default'} />;
}

export function PrivilegedChip() {
  return <Chip size="small" label="Privileged" color="error" variant="outlined" />;
}

export function OverdueChip() {
  return <Chip size="small" label="Overdue" color="error" />;
}

export function UrgentChip() {
  return <Chip size="small" label="Urgent" color="error" variant="outlined" />;
}
