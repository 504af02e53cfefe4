import { createServer, connect, type Server, type Socket } from 'node:net';

/** A loopback TCP proxy a test can cut (the target looks down) and restore. */
export interface TcpProxy {
  /** `127.0.0.1:<port>` */
  readonly hostPort: string;
  /** Destroys every open connection and refuses new ones. */
  cut(): Promise<void>;
  /** Accepts connections again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a proxy on 127.0.0.1 (random port) forwarding to `target` (`host:port`).
 *
 * @example
 * ```ts
 * const proxy = await startTcpProxy('127.0.0.1:5432');
 * const store = await openStore(`postgres://postgres@${proxy.hostPort}/db`);
 * await proxy.cut(); // the store is now unreachable
 * ```
 */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const [targetHost, targetPort] = target.split(':') as [string, string];
  const sockets = new Set<Socket>();
  let port = 0;
  let server: Server | undefined;

  const open = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const next = createServer((client) => {
        const upstream = connect(Number(targetPort), targetHost);
        sockets.add(client).add(upstream);
        const drop = (): void => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        port = (next.address() as { port: number }).port;
        server = next;
        resolve();
      });
    });
  const shut = (): Promise<void> =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (!server) return resolve();
      const closing = server;
      server = undefined;
      closing.close(() => resolve());
    });

  await open();
  return {
    get hostPort() {
      return `127.0.0.1:${port}`;
    },
    cut: shut,
    restore: open,
    close: shut,
  };
}
