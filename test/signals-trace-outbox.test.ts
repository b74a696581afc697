import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { enqueueStart } from '../libs/requests/outbox';
import { relayOutbox } from '../libs/requests/outbox-relay';
import { createOrm, freshDatabase, services, type TestDatabase } from './support/services';

/**
 * The workflow outbox carries the trace of the request that queued a start (ADR 161): the relay
 * delivers rows later, batched, from a timer or another process, never inside the request's own
 * context. A start relayed outside any span must still join the request's trace; a row queued
 * without tracing stays as it was.
 */
describe('trace context through the workflow outbox', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let connection: Connection;
  let client: Client;
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const taskQueue = `trace-outbox-${randomUUID()}`;

  beforeAll(async () => {
    provider.register();
    db = await freshDatabase();
    orm = await createOrm(db.serviceUrl);
    connection = await Connection.connect({ address: services().temporalAddress });
    client = new Client({ connection, interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } });
  });

  afterAll(async () => {
    await connection?.close();
    await orm?.close(true);
    await db?.drop();
    await provider.shutdown();
  });

  const queue = (workflowId: string) =>
    orm.em.fork().transactional(async (tx) => {
      enqueueStart(tx, workflowId, { workflowType: 'probeWorkflow', taskQueue, args: [{ probeId: randomUUID() }], searchAttributes: {} });
    });
  const payloadOf = async (workflowId: string) =>
    (await orm.em.fork().execute<{ payload: Record<string, unknown> }[]>('SELECT payload FROM workflow_outbox WHERE workflow_id = ?', [workflowId]))[0].payload;

  it('a start relayed outside the request joins the request trace, as a child of its span', async () => {
    const workflowId = `probe-${randomUUID()}`;
    const request = await trace.getTracer('test').startActiveSpan('POST /api/v1/requests/leaver', async (span) => {
      await queue(workflowId);
      span.end();
      return span.spanContext();
    });
    expect((await payloadOf(workflowId)).trace).toEqual({ traceparent: `00-${request.traceId}-${request.spanId}-01` });

    expect(trace.getActiveSpan()).toBeUndefined();
    expect(await relayOutbox(orm.em, async () => client)).toBe(1);
    const start = exporter.getFinishedSpans().find((s) => s.name === 'StartWorkflow:probeWorkflow');
    expect(start?.spanContext().traceId).toBe(request.traceId);
    expect(start?.parentSpanId).toBe(request.spanId);
    await client.workflow.getHandle(workflowId).terminate('test done');
  });

  it('a row queued outside any trace carries none', async () => {
    const workflowId = `probe-${randomUUID()}`;
    await queue(workflowId);
    expect(await payloadOf(workflowId)).not.toHaveProperty('trace');
  });
});
