import { Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { Config } from '../config/config';
import { activeTracing } from '../observability/tracing';
import { temporalConnectionOptions } from './connection-options';
import { CONFIG } from '../config/config.module';

/**
 * One lazily-connected Temporal client per process. Lazy, so the API starts (and reports itself
 * not ready) while Temporal is briefly unreachable instead of crashing at boot.
 */
@Injectable()
export class TemporalClientService implements OnApplicationShutdown {
  private connection: Promise<Connection> | null = null;
  private client: Client | null = null;

  constructor(@Inject(CONFIG) private readonly config: Config) {}

  get namespace(): string {
    return this.config.temporal.namespace;
  }

  get taskQueue(): string {
    return this.config.temporal.taskQueue;
  }

  private connect(): Promise<Connection> {
    if (!this.connection) {
      this.connection = Connection.connect({ ...temporalConnectionOptions(this.config), connectTimeout: 5000 });
      this.connection.catch(() => (this.connection = null));
    }
    return this.connection;
  }

  async getClient(): Promise<Client> {
    if (this.client) return this.client;
    const connection = await this.connect();
    // With tracing on, workflow starts and signals carry the active trace to the worker (ADR 161).
    const interceptors = activeTracing() ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
    this.client ??= new Client({ connection, namespace: this.config.temporal.namespace, interceptors });
    return this.client;
  }

  /** Throws unless the frontend answers within the deadline. */
  async ping(timeoutMs = 2000): Promise<void> {
    const connection = await this.connect();
    await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
  }

  async onApplicationShutdown(): Promise<void> {
    const pending = this.connection;
    this.connection = null;
    this.client = null;
    if (pending) await (await pending.catch(() => null))?.close();
  }
}

@Module({ providers: [TemporalClientService], exports: [TemporalClientService] })
export class TemporalClientModule {}
