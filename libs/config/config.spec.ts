import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives the SPEC defaults with embedded services', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe('.data');
    expect(c.database.embedded).toBe(true);
    expect(c.temporal).toMatchObject({ embedded: true, address: '127.0.0.1:7233', uiPort: 8233, namespace: 'default', taskQueue: 'jml' });
    expect(c.oidc).toMatchObject({ devIdp: true, issuer: 'http://localhost:4400', devIdpPort: 4400 });
    expect(c.bootstrapAdmins).toEqual(['admin']);
  });

  it('holds bootstrap admins to the username rule of every identity write', () => {
    expect(loadConfig({ BOOTSTRAP_ADMINS: 'ada, grace' }).bootstrapAdmins).toEqual(['ada', 'grace']);
    for (const bad of ['ａda', 'a\u200Bda', 'a da']) {
      expect(() => loadConfig({ BOOTSTRAP_ADMINS: bad })).toThrow(ConfigError);
    }
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', TEMPORAL_ADDRESS: 'no-port', DATABASE_URL: 'mysql://x', SEED_DEMO: 'maybe', APPROVAL_SLA: 'soon' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const named = (error as ConfigError).problems.map((p) => p.split(':')[0]).sort();
    expect(named).toEqual(['APPROVAL_SLA', 'DATABASE_URL', 'PORT', 'SEED_DEMO', 'TEMPORAL_ADDRESS']);
  });

  it('never runs the dev IdP in production, and production needs its real dependencies', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/OIDC_ISSUER[\s\S]*DATABASE_URL[\s\S]*SESSION_SECRET[\s\S]*CHECKPOINT_SIGNING_KEY/);
    const c = loadConfig({
      NODE_ENV: 'production',
      CHECKPOINT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      OIDC_ISSUER: 'https://idp.example.org',
      OIDC_AUDIENCE: 'jml-api',
      DATABASE_URL: 'postgres://u:p@db/jml',
      SESSION_SECRET: 'a-long-production-secret',
    });
    expect(c.oidc.devIdp).toBe(false);
    expect(c.database.embedded).toBe(false);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });

  it('refuses a checkpoint key that is not an Ed25519 private key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadConfig({ CHECKPOINT_SIGNING_KEY: rsa })).toThrow(/CHECKPOINT_SIGNING_KEY: not a usable Ed25519/);
    expect(() => loadConfig({ CHECKPOINT_SIGNING_KEY: 'nonsense' })).toThrow(/CHECKPOINT_SIGNING_KEY/);
    expect(loadConfig({}).checkpoints).toMatchObject({ interval: '15m', dir: join('.data', 'checkpoints') });
  });

  it('keeps the worker metrics endpoint and trace export off unless configured (ADR 160, 161)', () => {
    expect(loadConfig({}).observability).toEqual({ workerMetricsAddress: undefined, otlpEndpoint: undefined, serviceName: 'jml-governance' });
    const on = loadConfig({ WORKER_METRICS_PORT: '9464', WORKER_METRICS_HOST: '0.0.0.0', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' });
    expect(on.observability).toMatchObject({ workerMetricsAddress: '0.0.0.0:9464', otlpEndpoint: 'http://otel:4318' });
    expect(() => loadConfig({ WORKER_METRICS_PORT: '99999', OTEL_EXPORTER_OTLP_ENDPOINT: 'the collector' })).toThrow(/WORKER_METRICS_PORT[\s\S]*OTEL_EXPORTER_OTLP_ENDPOINT/);
  });
});
