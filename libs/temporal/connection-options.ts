import { readFileSync } from 'node:fs';
import type { Config } from '../config/config';

/** What both the client (API) and the native connection (worker) need to reach the Temporal frontend. */
export interface TemporalConnectionOptions {
  address: string;
  /** mTLS (a client certificate pair), server-verified TLS (`true`), or plain (undefined). */
  tls?: true | { clientCertPair?: { crt: Buffer; key: Buffer }; serverRootCACertificate?: Buffer; serverNameOverride?: string };
  /** Temporal Cloud API key, sent as a bearer token over TLS. */
  apiKey?: string;
}

/**
 * The connection options from the configuration: plain for the embedded dev server and a self-hosted
 * cluster inside the network, TLS with a client certificate (`TEMPORAL_TLS_CERT`/`TEMPORAL_TLS_KEY`,
 * PEM files) for a cluster or Temporal Cloud with mTLS, or an API key (`TEMPORAL_API_KEY`, which
 * implies TLS) for Temporal Cloud. `TEMPORAL_TLS_CA` pins a private CA; `TEMPORAL_TLS_SERVER_NAME`
 * overrides the name checked on the server's certificate. Files are read once, at start.
 */
export function temporalConnectionOptions(config: Config): TemporalConnectionOptions {
  const t = config.temporal;
  const read = (path: string | undefined) => (path ? readFileSync(path) : undefined);
  if (Boolean(t.tlsCert) !== Boolean(t.tlsKey)) throw new Error('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together (mTLS needs both)');
  const certPair = t.tlsCert && t.tlsKey ? { crt: read(t.tlsCert)!, key: read(t.tlsKey)! } : undefined;
  const ca = read(t.tlsCa);
  const wantsTls = t.tls || Boolean(certPair || ca || t.apiKey || t.tlsServerName);
  if (!wantsTls) return { address: t.address };
  const detailed = certPair || ca || t.tlsServerName;
  return {
    address: t.address,
    tls: detailed ? { clientCertPair: certPair, serverRootCACertificate: ca, serverNameOverride: t.tlsServerName } : true,
    apiKey: t.apiKey,
  };
}
