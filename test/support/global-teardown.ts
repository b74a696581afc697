import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as Record<string, unknown>).__JML_STACK__ as
    | { db: { stop(): Promise<void> }; temporal: { stop(): Promise<void> } }
    | undefined;
  await stack?.temporal.stop().catch(() => undefined);
  await stack?.db.stop().catch(() => undefined);
  if (process.env.JML_TEST_DATA_DIR) rmSync(process.env.JML_TEST_DATA_DIR, { recursive: true, force: true });
}
