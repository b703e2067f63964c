import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * A real SMTP server on loopback (the `smtp-server` package) that records what it receives;
 * `reject` makes it answer 550 to the DATA command. Plain SMTP without auth, as a local relay.
 */
export async function startSmtpSink(): Promise<{
  url: string;
  received: ReceivedMail[];
  reject: { on: boolean };
  close: () => Promise<void>;
}> {
  const received: ReceivedMail[] = [];
  const reject = { on: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (reject.on) return callback(Object.assign(new Error('mailbox unavailable for p@x.test'), { responseCode: 550 }));
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, received, reject, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A header of a raw message (first occurrence, unfolded). */
export function mailHeader(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1].trim();
}

/** The decoded content of the attachment named `filename` (base64 or 7bit), if present. */
export function mailAttachment(raw: string, filename: string): { contentType: string; content: string } | undefined {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  if (!boundary) return undefined;
  for (const part of raw.split(`--${boundary}`)) {
    const [head, ...rest] = part.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
    if (!new RegExp(`filename="?${filename.replace('.', '\\.')}"?`, 'i').test(head)) continue;
    const body = rest.join('\r\n\r\n').trim();
    const contentType = /^content-type:\s*([^\r\n]+)/im.exec(head)?.[1] ?? '';
    const content = /content-transfer-encoding:\s*base64/i.test(head)
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : body;
    return { contentType, content };
  }
  return undefined;
}
