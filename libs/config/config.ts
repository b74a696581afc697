import { join } from 'node:path';
import { z } from 'zod';
import { checkpointKeyFromPem } from '../audit/checkpoint';
import { parseRoleMapping, type AppRole } from '../auth/app-roles';
import { usernameProblem } from '../domain/identity-names';
import { durationToMs } from '../domain/sla';
import { WORKFLOW_TASK_SLOTS } from '../temporal/worker-tuning';

/**
 * The one typed configuration object of the service. Every process (api, worker, launcher,
 * migrations) calls `loadConfig(process.env)` once at start; a bad value stops the process with a
 * message naming every bad variable at once, never just the first.
 */

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(1).max(65535);

const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'must be a duration such as 500ms, 30s, 15m, 4h or 2d');

const list = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

const url = z.string().url();

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: url.optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string')
    .optional(),
  DATABASE_MIGRATION_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string')
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  EMBEDDED_PG_PORT: port.default(5433),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'must be host:port')
    .optional(),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('jml'),
  TEMPORAL_CLI: z.string().min(1).optional(),
  /** TLS to the Temporal frontend (implied by any of the TLS settings or an API key below). */
  TEMPORAL_TLS: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** PEM client certificate and key for mTLS (a cluster or Temporal Cloud with certificates). */
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  /** PEM CA that signed the frontend's certificate, when it is not a public one. */
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Temporal Cloud API key (sent over TLS). */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  WORKFLOW_BUNDLE: z.string().min(1).optional(),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(2).max(100_000).default(200),
  /** Activity and workflow-task slots of the worker, sized for 2 cores (ADR 122, ADR 181; the SDK's defaults are 100 and 40). */
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(20),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(1000).default(WORKFLOW_TASK_SLOTS),
  OIDC_ISSUER: url.optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  OIDC_GROUPS_CLAIM: z.string().min(1).optional(),
  OIDC_CLIENT_ROLES: list.optional(),
  OIDC_GROUP_ROLES: list.optional(),
  DEV_IDP_PORT: port.default(4400),
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SESSION_SWEEP_INTERVAL: duration.default('15m'),
  SEED_DEMO: bool.optional(),
  // Bootstrap admins become identities: the same username rule as every identity write (ADR 080).
  BOOTSTRAP_ADMINS: list
    .superRefine((names, ctx) => {
      for (const n of names) {
        const problem = usernameProblem(n);
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `username "${n}" ${problem}` });
      }
    })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(300),
  APPROVAL_SLA: duration.default('2d'),
  APPROVAL_REMINDER: duration.default('1d'),
  TASK_REMINDER_BEFORE_DUE: duration.default('2h'),
  TASK_DUE: duration.default('3d'),
  TICKET_HMAC_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// URL').optional(),
  LEAVER_ESCALATION_INTERVAL: duration.default('4h'),
  LEAVER_RECONCILE_INTERVAL: duration.default('5m'),
  TICKET_DELIVERY_TIMEOUT: duration.default('30s'),
  CHECKPOINT_SIGNING_KEY: z.string().min(1).optional(),
  CHECKPOINT_INTERVAL: duration.default('15m'),
  CHECKPOINT_DIR: z.string().min(1).optional(),
  CHECKPOINT_HTTP_SINK: url.optional(),
  MANUAL_TASK_MINUTES: z.coerce.number().min(0).max(10_000).default(10),
  MANUAL_HOURLY_COST: z.coerce.number().min(0).max(1_000_000).default(60),
  MANUAL_COST_CURRENCY: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').default('USD'),
  CERTIFICATION_REMINDERS: z
    .string()
    .regex(/^\s*\d+(ms|s|m|h|d)\s*(,\s*\d+(ms|s|m|h|d)\s*)*$/, 'must be a comma-separated list of durations, e.g. 7d,1d')
    .default('7d,1d'),
  CERTIFICATION_ESCALATION_WINDOW: duration.default('3d'),
  CERTIFICATION_RECONCILE_INTERVAL: duration.default('1m'),
  /** History events after which a workflow waiting on tasks continues as new (Temporal's limit: 51,200). */
  WORKFLOW_HISTORY_LIMIT: z.coerce.number().int().min(50).max(40_000).default(10_000),
  /** The worker's Temporal SDK Prometheus endpoint (ADR 160): off unless a port is given. */
  WORKER_METRICS_PORT: port.optional(),
  WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Traces (ADR 161): exported over OTLP/HTTP only when an endpoint is set (the OTel SDK's own name). */
  OTEL_EXPORTER_OTLP_ENDPOINT: url.optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  LAUNCHER_MAX_RESTARTS: z.coerce.number().int().min(0).max(1000).default(5),
  LAUNCHER_RESTART_WINDOW: duration.default('5m'),
  LAUNCHER_RESTART_BACKOFF: duration.default('1s'),
});

export type RawConfig = z.infer<typeof schema>;

export interface Config {
  nodeEnv: RawConfig['NODE_ENV'];
  isProduction: boolean;
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  database: {
    /** Connection string of the service's own role (INSERT and SELECT only on the ledger). */
    url: string | undefined;
    /** Connection string of the schema owner, used only to run migrations. */
    migrationUrl: string | undefined;
    poolMax: number;
    embedded: boolean;
    embeddedPort: number;
  };
  temporal: {
    address: string;
    embedded: boolean;
    port: number;
    uiPort: number;
    namespace: string;
    taskQueue: string;
    cliPath: string | undefined;
    workflowBundle: string | undefined;
    /** TLS and credentials for a cluster or Temporal Cloud (libs/temporal/connection-options.ts). */
    tls: boolean;
    tlsCert?: string;
    tlsKey?: string;
    tlsCa?: string;
    tlsServerName?: string;
    apiKey?: string;
    /** Workflows the worker keeps in memory (LRU); an evicted one is replayed from history when it next wakes. */
    maxCachedWorkflows?: number;
    /** Activity and workflow-task slots (ADR 122). */
    maxConcurrentActivities?: number;
    maxConcurrentWorkflowTasks?: number;
  };
  oidc: {
    issuer: string | undefined;
    clientId: string | undefined;
    clientSecret: string | undefined;
    audience: string;
    groupsClaim: string | undefined;
    /** Integration client id -> internal roles (client-credentials tokens carry no person). */
    clientRoles: Record<string, AppRole[]>;
    /** IdP group name (in `groupsClaim`) -> internal roles, added to the assigned ones. */
    groupRoles: Record<string, AppRole[]>;
    devIdp: boolean;
    devIdpPort: number;
  };
  sessionSecret: string | undefined;
  /** How often expired browser sessions are deleted; `0s` turns it off (ADR 157). */
  sessionSweepInterval: string;
  seedDemo: boolean | undefined;
  bootstrapAdmins: string[];
  logLevel: RawConfig['LOG_LEVEL'];
  rateLimitPerMinute: number;
  /** Answers 401/403 one client address may receive per minute before it is refused with 429 (ADR 156). */
  authFailuresPerMinute: number;
  durations: {
    approvalSla: string;
    approvalReminder: string;
    taskReminderBeforeDue: string;
    /** How long system owners have to carry out a grant task (revokes follow the system's SLA). */
    taskDue: string;
  };
  tickets: { hmacSecret: string | undefined; smtpUrl: string | undefined };
  /** Leaver timing: escalation steps after a missed due time, task re-read period, one ticket delivery attempt. */
  leaver: { escalationInterval: string; reconcileInterval: string; deliveryTimeout: string };
  /** Signed checkpoints of the ledger head (docs/audit-ledger.md, anchoring). */
  checkpoints: {
    /** Ed25519 private key, PKCS#8 PEM; unset outside production: generated once under `dir`. */
    signingKeyPem: string | undefined;
    /** Period of the scheduled checkpoint; `0s` turns the schedule off (packs still take one). */
    interval: string;
    /** The file sink and development key: a directory only the service's OS user can write. */
    dir: string;
    httpSinkUrl: string | undefined;
  };
  /** Defaults of the manual-effort report, per system unless the system states its own. */
  manualEffort: { minutesPerTask: number; hourlyCost: number; currency: string };
  /**
   * Certification campaigns (ADR 060): reminder digests this long before dueAt, the time each
   * escalation level gets after the deadline, and how often the workflow re-reads its campaign.
   */
  certification: { reminders: string[]; escalationWindow: string; reconcileInterval: string };
  /** History events after which a workflow waiting on tasks continues as new. */
  workflowHistoryLimit: number;
  /** Operator signals (ADR 160, 161): the worker's SDK metrics endpoint, trace export. */
  observability: {
    /** `host:port` of the worker's Prometheus endpoint, or undefined: off. */
    workerMetricsAddress: string | undefined;
    /** OTLP/HTTP base URL (traces go to `<url>/v1/traces`), or undefined: no tracing. */
    otlpEndpoint: string | undefined;
    /** `service.name` prefix of the spans; the process adds `-api` or `-worker`. */
    serviceName: string;
  };
  /** `npm start` restarts a crashed api or worker (ADR 155): at most `maxRestarts` crashes per window, backoff doubling from `backoffMs`. */
  launcher: { maxRestarts: number; windowMs: number; backoffMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Variables set to the empty string count as unset, as shells and compose files often do that. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(environment)'}: ${i.message}`,
    );
    throw new ConfigError(problems);
  }
  const c = parsed.data;
  const problems: string[] = [];
  if (c.NODE_ENV === 'production' && !c.OIDC_ISSUER) {
    problems.push('OIDC_ISSUER: must be set when NODE_ENV=production (the dev IdP never runs there)');
  }
  if (c.OIDC_ISSUER && !c.OIDC_AUDIENCE) {
    problems.push('OIDC_AUDIENCE: must be set when OIDC_ISSUER is set');
  }
  if (c.NODE_ENV === 'production' && !c.DATABASE_URL) {
    problems.push('DATABASE_URL: must be set when NODE_ENV=production');
  }
  if (c.NODE_ENV === 'production' && !c.SESSION_SECRET) {
    problems.push('SESSION_SECRET: must be set when NODE_ENV=production');
  }
  if (c.NODE_ENV === 'production' && !c.CHECKPOINT_SIGNING_KEY) {
    problems.push('CHECKPOINT_SIGNING_KEY: must be set when NODE_ENV=production (an Ed25519 private key, PKCS#8 PEM)');
  }
  const signingKeyPem = c.CHECKPOINT_SIGNING_KEY?.replace(/\\n/g, '\n');
  if (signingKeyPem) {
    try {
      checkpointKeyFromPem(signingKeyPem);
    } catch (err) {
      problems.push(`CHECKPOINT_SIGNING_KEY: not a usable Ed25519 private key (${(err as Error).message})`);
    }
  }
  const clientRoles = parseRoleMapping(c.OIDC_CLIENT_ROLES ?? []);
  for (const p of clientRoles.problems) problems.push(`OIDC_CLIENT_ROLES: ${p}`);
  const groupRoles = parseRoleMapping(c.OIDC_GROUP_ROLES ?? []);
  for (const p of groupRoles.problems) problems.push(`OIDC_GROUP_ROLES: ${p}`);
  if (problems.length > 0) throw new ConfigError(problems);

  const embeddedTemporal = !c.TEMPORAL_ADDRESS;
  const devIdp = !c.OIDC_ISSUER && c.NODE_ENV !== 'production';
  return {
    nodeEnv: c.NODE_ENV,
    isProduction: c.NODE_ENV === 'production',
    port: c.PORT,
    host: c.HOST,
    publicUrl: c.PUBLIC_URL ?? `http://localhost:${c.PORT}`,
    dataDir: c.DATA_DIR,
    database: {
      url: c.DATABASE_URL,
      migrationUrl: c.DATABASE_MIGRATION_URL ?? c.DATABASE_URL,
      poolMax: c.DATABASE_POOL_MAX,
      embedded: !c.DATABASE_URL,
      embeddedPort: c.EMBEDDED_PG_PORT,
    },
    temporal: {
      address: c.TEMPORAL_ADDRESS ?? `127.0.0.1:${c.TEMPORAL_PORT}`,
      embedded: embeddedTemporal,
      port: c.TEMPORAL_PORT,
      uiPort: c.TEMPORAL_UI_PORT,
      namespace: c.TEMPORAL_NAMESPACE,
      taskQueue: c.TEMPORAL_TASK_QUEUE,
      cliPath: c.TEMPORAL_CLI,
      workflowBundle: c.WORKFLOW_BUNDLE,
      tls: c.TEMPORAL_TLS,
      tlsCert: c.TEMPORAL_TLS_CERT,
      tlsKey: c.TEMPORAL_TLS_KEY,
      tlsCa: c.TEMPORAL_TLS_CA,
      tlsServerName: c.TEMPORAL_TLS_SERVER_NAME,
      apiKey: c.TEMPORAL_API_KEY,
      maxCachedWorkflows: c.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentActivities: c.WORKER_MAX_CONCURRENT_ACTIVITIES,
      maxConcurrentWorkflowTasks: c.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    },
    oidc: {
      issuer: c.OIDC_ISSUER ?? (devIdp ? `http://localhost:${c.DEV_IDP_PORT}` : undefined),
      clientId: c.OIDC_CLIENT_ID ?? (devIdp ? 'jml-web' : undefined),
      clientSecret: c.OIDC_CLIENT_SECRET ?? (devIdp ? 'jml-web-dev-secret' : undefined),
      audience: c.OIDC_AUDIENCE ?? 'jml-api',
      groupsClaim: c.OIDC_GROUPS_CLAIM,
      clientRoles: c.OIDC_CLIENT_ROLES || !devIdp ? clientRoles.mapping : { 'hr-system': ['hr'], helpdesk: ['system_owner'] },
      groupRoles: groupRoles.mapping,
      devIdp,
      devIdpPort: c.DEV_IDP_PORT,
    },
    sessionSecret: c.SESSION_SECRET,
    sessionSweepInterval: c.SESSION_SWEEP_INTERVAL,
    seedDemo: c.SEED_DEMO,
    bootstrapAdmins: c.BOOTSTRAP_ADMINS ?? (c.DATABASE_URL ? [] : ['admin']),
    logLevel: c.LOG_LEVEL,
    rateLimitPerMinute: c.RATE_LIMIT_PER_MINUTE,
    authFailuresPerMinute: c.AUTH_FAILURES_PER_MINUTE,
    durations: {
      approvalSla: c.APPROVAL_SLA,
      approvalReminder: c.APPROVAL_REMINDER,
      taskReminderBeforeDue: c.TASK_REMINDER_BEFORE_DUE,
      taskDue: c.TASK_DUE,
    },
    tickets: { hmacSecret: c.TICKET_HMAC_SECRET, smtpUrl: c.SMTP_URL },
    leaver: {
      escalationInterval: c.LEAVER_ESCALATION_INTERVAL,
      reconcileInterval: c.LEAVER_RECONCILE_INTERVAL,
      deliveryTimeout: c.TICKET_DELIVERY_TIMEOUT,
    },
    checkpoints: {
      signingKeyPem,
      interval: c.CHECKPOINT_INTERVAL,
      dir: c.CHECKPOINT_DIR ?? join(c.DATA_DIR, 'checkpoints'),
      httpSinkUrl: c.CHECKPOINT_HTTP_SINK,
    },
    manualEffort: { minutesPerTask: c.MANUAL_TASK_MINUTES, hourlyCost: c.MANUAL_HOURLY_COST, currency: c.MANUAL_COST_CURRENCY },
    certification: {
      reminders: c.CERTIFICATION_REMINDERS.split(',').map((d) => d.trim()),
      escalationWindow: c.CERTIFICATION_ESCALATION_WINDOW,
      reconcileInterval: c.CERTIFICATION_RECONCILE_INTERVAL,
    },
    workflowHistoryLimit: c.WORKFLOW_HISTORY_LIMIT,
    observability: {
      workerMetricsAddress: c.WORKER_METRICS_PORT ? `${c.WORKER_METRICS_HOST}:${c.WORKER_METRICS_PORT}` : undefined,
      otlpEndpoint: c.OTEL_EXPORTER_OTLP_ENDPOINT,
      serviceName: c.OTEL_SERVICE_NAME ?? 'jml-governance',
    },
    launcher: {
      maxRestarts: c.LAUNCHER_MAX_RESTARTS,
      windowMs: durationToMs(c.LAUNCHER_RESTART_WINDOW),
      backoffMs: durationToMs(c.LAUNCHER_RESTART_BACKOFF),
    },
  };
}

/** For process entry points: print every problem and exit non-zero instead of a stack trace. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
