import net from 'node:net';

/** A free loopback TCP port (bind to 0, read, close). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A free port whose decimal form has exactly `digits` digits. */
export async function freePortWithDigits(digits: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const p = await freePort();
    if (String(p).length === digits) return p;
  }
  throw new Error(`no free ${digits}-digit port found`);
}

export interface EchoServer extends AsyncDisposable {
  port: number;
  close(): Promise<void>;
}

/** A TCP server that echoes what it reads (or runs `onConnection`), for toxic tests. */
export async function startTcpServer(onConnection?: (s: net.Socket) => void): Promise<EchoServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    if (onConnection) onConnection(s);
    else {
      s.pipe(s);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return { port: (server.address() as net.AddressInfo).port, close, [Symbol.asyncDispose]: close };
}
