import { appendFileSync, readFileSync } from 'node:fs';
import { isMainThread, threadId } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';

/**
 * Diagnostic preload (`BENCH_WORKER_NODE_ARGS='-r ./dist/bench/diag/memory-log.js'`): every second
 * appends the V8 view of the memory of each JavaScript thread that loads it (node passes `-r` on to
 * worker threads, so the Temporal workflow thread logs its own isolate too) beside the kernel's view
 * of the process (RSS anonymous and file-backed, thread count, CPU seconds), to /tmp/jml-memory-<pid>.log, to
 * tell the JS heaps from the Temporal Rust core and other native memory (ADRs 122, 127).
 */
const file = `/tmp/jml-memory-${process.pid}.log`;
const mb = (b: number) => Math.round(b / 2 ** 20);
const thread = isMainThread ? 'main' : `thread${threadId}`;
setInterval(() => {
  const m = process.memoryUsage();
  const h = getHeapStatistics();
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  // Process-wide CPU time (every thread), which load on the machine changes far less than wall time.
  const cpu = process.cpuUsage();
  const threads = /Threads:\s+(\d+)/.exec(status)?.[1];
  appendFileSync(
    file,
    `${new Date().toISOString()} ${thread} rss ${mb(m.rss)} anon ${mb(kb('RssAnon'))} file ${mb(kb('RssFile'))} threads ${threads} ` +
      `heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)} ` +
      `heapLimit ${mb(h.heap_size_limit)} malloced ${mb(h.malloced_memory)} cpuSeconds ${(cpu.user + cpu.system) / 1e6}\n`,
  );
}, 1000).unref();
