import { appendFileSync } from 'node:fs';

/**
 * Diagnostic preload (`BENCH_WORKER_NODE_ARGS='-r ./dist/bench/diag/memory-log.js'`): every second
 * appends the process's V8 view of its memory beside the kernel's RSS to /tmp/jml-memory-<pid>.log,
 * to tell the JS heap from the Temporal Rust core and other native memory (ADR 122).
 */
const file = `/tmp/jml-memory-${process.pid}.log`;
const mb = (b: number) => Math.round(b / 2 ** 20);
setInterval(() => {
  const m = process.memoryUsage();
  appendFileSync(file, `${new Date().toISOString()} rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}\n`);
}, 1000).unref();
