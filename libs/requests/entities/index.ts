export { Request } from './request.entity';
export { ApprovalStep, ApprovalDecision } from './approval.entity';
export { Task } from './task.entity';
export { WorkflowOutbox } from './outbox.entity';

import { Request } from './request.entity';
import { ApprovalStep, ApprovalDecision } from './approval.entity';
import { Task } from './task.entity';
import { WorkflowOutbox } from './outbox.entity';

/** The request module's entities, for the persistence registry. */
export const requestEntities = [Request, ApprovalStep, ApprovalDecision, Task, WorkflowOutbox];
