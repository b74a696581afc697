// First import of main.ts: tracing must patch http and pg before they load (ADR 161).
import { startTracingFromEnv } from '../../../libs/observability/tracing';

startTracingFromEnv('worker');
