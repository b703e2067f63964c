import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root, also when this file runs compiled from `dist-bench/` (the benchmarks). */
const ROOT = join(__dirname, '..', '..').replace(/[\\/]dist-bench$/, '');

/**
 * CPU time (user + system, ms) process `pid` has used, from Linux `/proc/<pid>/stat`; null when
 * it is gone or /proc is not there. Benchmarks divide it by the work done.
 */
export function cpuMsOf(pid: number): number | null {
  try {
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th, in ticks of 10 ms.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * The compiled API or worker as a real child process (fault and scale-out tests kill them with
 * SIGKILL, which an in-process Nest app cannot survive). `npm run test:faults` builds first.
 */
export class AppProcess {
  private child: ChildProcess | null = null;

  /** Killed by a signal leaves exitCode null: look at both. */
  private get exited(): boolean {
    return !this.child || this.child.exitCode !== null || this.child.signalCode !== null;
  }
  output = '';

  constructor(
    readonly app: 'api' | 'worker',
    private readonly env: Record<string, string>,
    /** Node flags before the script, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
    private readonly nodeArgs: string[] = [],
  ) {}

  start(): ChildProcess {
    const child = spawn(process.execPath, [...this.nodeArgs, join(ROOT, 'dist', 'apps', this.app, 'src', 'main.js')], {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => (this.output += String(d)));
    child.stderr?.on('data', (d) => (this.output += String(d)));
    this.child = child;
    return child;
  }

  async waitForOutput(pattern: RegExp, ms = 20_000): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (pattern.test(this.output)) return;
      if (this.child && this.exited) throw new Error(`${this.app} exited: ${this.output.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${this.app} did not print ${pattern}: ${this.output.slice(-500)}`);
  }

  /**
   * Peak resident memory of the running process in MB (Linux `VmHWM`), or null when it has exited
   * or /proc is not there: what the process needed at its busiest, read before it is stopped.
   */
  peakRssMb(): number | null {
    if (!this.child?.pid || this.exited) return null;
    try {
      const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))?.[1];
      return kb === undefined ? null : Math.round(Number(kb) / 1024);
    } catch {
      return null;
    }
  }

  /** CPU ms the running process has used (see {@link cpuMsOf}); null when it has exited. */
  cpuMs(): number | null {
    return !this.child?.pid || this.exited ? null : cpuMsOf(this.child.pid);
  }

  /** SIGKILL: no shutdown hooks, in-flight jobs are abandoned mid-way. */
  async kill9(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((r) => this.child!.once('exit', r));
    this.child!.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((r) => this.child!.once('exit', r));
    this.child!.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (!this.exited) await this.kill9();
  }
}
