export * from './access';
export * from './access-diff';
export * from './approval-policy';
export * from './approval-routing';
export * from './sod';
export * from './sla';
export * from './org-chart';
