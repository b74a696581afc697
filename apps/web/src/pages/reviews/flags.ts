/** Review flags in plain words: why an item deserves a second look. */
export const FLAG_WORDS: Record<string, string> = {
  privileged: 'Privileged access',
  sod: 'Conflicts with other access',
  never_approved: 'Never approved here (imported)',
  granted_over_a_year_ago: 'Granted over a year ago',
  reviewer_changed: 'Handed to you by someone else',
};

export const ITEM_STATUS_WORDS: Record<string, string> = {
  pending: 'Not decided',
  certified: 'Keep',
  revoked: 'Remove',
  not_reviewed: 'Not reviewed',
};
