import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/config';
import { temporalConnectionOptions } from './connection-options';

describe('temporalConnectionOptions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'temporal-tls-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const remote = { TEMPORAL_ADDRESS: 'acme.a1b2c.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'acme.a1b2c' };

  it('is plain for the embedded dev server and a cluster inside the network', () => {
    expect(temporalConnectionOptions(loadConfig({}))).toEqual({ address: '127.0.0.1:7233' });
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: 'temporal:7233' }))).toEqual({ address: 'temporal:7233' });
  });

  it('uses TLS with the API key for Temporal Cloud', () => {
    expect(temporalConnectionOptions(loadConfig({ ...remote, TEMPORAL_API_KEY: 'k-123' }))).toEqual({ address: remote.TEMPORAL_ADDRESS, tls: true, apiKey: 'k-123' });
  });

  it('presents the client certificate pair for mTLS, with a private CA and server name when given', () => {
    const env = {
      ...remote,
      TEMPORAL_TLS_CERT: file('client.pem', 'CERT'),
      TEMPORAL_TLS_KEY: file('client.key', 'KEY'),
      TEMPORAL_TLS_CA: file('ca.pem', 'CA'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    };
    const o = temporalConnectionOptions(loadConfig(env));
    expect(o.tls).toEqual({
      clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
      serverRootCACertificate: Buffer.from('CA'),
      serverNameOverride: 'temporal.internal',
    });
  });

  it('refuses half a certificate pair', () => {
    expect(() => temporalConnectionOptions(loadConfig({ ...remote, TEMPORAL_TLS_CERT: file('only.pem', 'CERT') }))).toThrow(/must be set together/);
  });

  it('turns on server-verified TLS alone with TEMPORAL_TLS=true', () => {
    expect(temporalConnectionOptions(loadConfig({ ...remote, TEMPORAL_TLS: 'true' }))).toEqual({ address: remote.TEMPORAL_ADDRESS, tls: true, apiKey: undefined });
  });
});
