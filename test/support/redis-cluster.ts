import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './local-services';

/**
 * A real three-master Redis Cluster on loopback ports (redis-server + redis-cli --cluster),
 * for tests that prove the queues run on a cluster (hash-tagged prefix, one slot per queue).
 */
export class LocalRedisCluster {
  private procs: ChildProcess[] = [];
  private dir = '';
  ports: number[] = [];

  async start(): Promise<{ host: string; port: number }[]> {
    this.dir = mkdtempSync(join(tmpdir(), 'ct-cluster-'));
    // Cluster bus ports are port + 10000: keep ports low enough.
    while (this.ports.length < 3) {
      const p = await freePort();
      if (p < 55000 && !this.ports.includes(p)) this.ports.push(p);
    }
    for (const port of this.ports) {
      const proc = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          `nodes-${port}.conf`,
          '--dir',
          this.dir,
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        { stdio: 'ignore' },
      );
      this.procs.push(proc);
    }
    await this.waitFor(() => Promise.all(this.ports.map((p) => this.answers(p))).then((r) => r.every(Boolean)));
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...this.ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
      {
        encoding: 'utf8',
      },
    );
    if (created.status !== 0) throw new Error(`cluster create failed: ${created.stdout}${created.stderr}`);
    await this.waitFor(async () => {
      const info = spawnSync('redis-cli', ['-p', String(this.ports[0]), 'cluster', 'info'], { encoding: 'utf8' }).stdout;
      return /cluster_state:ok/.test(info);
    });
    return this.ports.map((port) => ({ host: '127.0.0.1', port }));
  }

  async stop(): Promise<void> {
    for (const p of this.procs) p.kill('SIGKILL');
    this.procs = [];
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private answers(port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
  }

  private async waitFor(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('redis cluster did not come up');
  }
}
