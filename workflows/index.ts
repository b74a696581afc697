// Every workflow the worker runs. This module is the root of the workflow bundle: it may import
// only @temporalio/workflow, shared definitions and pure code from libs/domain (see eslint.config.mjs).
export { probeWorkflow } from './probe.workflow';
export { joinerWorkflow, moverWorkflow } from './request.workflow';
export { leaverWorkflow } from './leaver.workflow';
export { certificationWorkflow } from './certification.workflow';
