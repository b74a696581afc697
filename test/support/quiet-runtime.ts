import { DefaultLogger, Runtime } from '@temporalio/worker';

// Temporal's worker logs every state change at INFO; tests keep warnings and errors only.
try {
  Runtime.install({ logger: new DefaultLogger(process.env.TEMPORAL_LOG_LEVEL === 'debug' ? 'DEBUG' : 'WARN'), shutdownSignals: [] });
} catch {
  // Already installed in this process by an earlier test file.
}
