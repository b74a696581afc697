import { createServer, type Server } from 'node:net';
import { onFreePort } from './ports';

function listen(port: number): Promise<Server> {
  const srv = createServer();
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

const portOf = (srv: Server) => (srv.address() as { port: number }).port;

describe('onFreePort', () => {
  it('starts again on another port when the one it was given is taken before it binds (EADDRINUSE)', async () => {
    const squatter = await listen(0);
    const tried: number[] = [];
    // The first attempt is handed the squatter's port, as when another process took it meanwhile.
    const server = await onFreePort((port) => listen(tried.push(port) === 1 ? portOf(squatter) : port));
    expect(tried).toHaveLength(2);
    expect(portOf(server)).not.toBe(portOf(squatter));
    await new Promise((r) => server.close(r));
    await new Promise((r) => squatter.close(r));
  });

  it('throws any other error at once, and EADDRINUSE after the last attempt', async () => {
    let calls = 0;
    await expect(onFreePort(async () => { calls++; throw new Error('no keys'); })).rejects.toThrow('no keys');
    expect(calls).toBe(1);
    calls = 0;
    await expect(onFreePort(async () => { calls++; throw new Error('listen EADDRINUSE: address already in use'); }, 2)).rejects.toThrow('EADDRINUSE');
    expect(calls).toBe(2);
  });
});
