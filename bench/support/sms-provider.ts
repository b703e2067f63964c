import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A local SMS provider speaking Twilio's REST shape (the worker's real `sendSms` calls it over
 * HTTP). It counts what actually reached the provider — requests and distinct idempotency
 * tokens — so "every message sent once" is checked at the far end of the wire, not only in our
 * own tables. It keeps counts, never bodies or numbers.
 */
export class CountingSmsProvider {
  requests = 0;
  /** Rejected requests (not the Twilio path or no idempotency token). */
  rejected = 0;
  readonly tokens = new Set<string>();
  private server: Server | null = null;

  /** Starts on a free loopback port; resolves to the base URL for `SMS_BASE_URL`. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const token = req.headers['i-twilio-idempotency-token'];
        if (req.method !== 'POST' || !/^\/2010-04-01\/Accounts\/[^/]+\/Messages\.json$/.test(req.url ?? '') || typeof token !== 'string') {
          this.rejected++;
          res.writeHead(400).end();
          return;
        }
        this.requests++;
        this.tokens.add(token);
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ sid: `SM${this.requests.toString(16).padStart(32, '0')}` }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
