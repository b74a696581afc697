import { appendFileSync, readFileSync } from 'node:fs';

/**
 * Diagnostic preload (`BENCH_WORKER_NODE_ARGS='-r ./dist/bench/diag/memory-log.js'`): every second
 * appends the process's V8 view of its memory (main thread) beside the kernel's RSS, anonymous and file-backed, to /tmp/jml-memory-<pid>.log,
 * to tell the JS heap from the Temporal Rust core and other native memory (ADR 122).
 */
const file = `/tmp/jml-memory-${process.pid}.log`;
const mb = (b: number) => Math.round(b / 2 ** 20);
setInterval(() => {
  const m = process.memoryUsage();
  // The kernel's split: anonymous memory (heaps, Rust core, malloc arenas) and file pages (node and the native addon's code).
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
  appendFileSync(file, `${new Date().toISOString()} rss ${mb(m.rss)} anon ${mb(kb('RssAnon'))} file ${mb(kb('RssFile'))} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}\n`);
}, 1000).unref();
