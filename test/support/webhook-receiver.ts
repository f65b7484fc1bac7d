import { createServer } from 'node:http';

/** One request the receiver took: the raw body (signatures cover its bytes) and the headers. */
export interface ReceivedWebhook {
  body: string;
  headers: Record<string, string>;
}

/** A loopback HTTP server that answers 200 to every POST and keeps what it received, in order. */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers as Record<string, string> });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/webhooks/telnyx`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
