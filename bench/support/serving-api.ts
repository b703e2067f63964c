import type { INestApplication } from '@nestjs/common';
import { AppProcess } from '../../test/support/processes';

/** Where a benchmark's HTTP load goes: the in-process app, or the compiled API in its own process. */
export interface ServingApi {
  url: string;
  /** The compiled API's process, when `BENCH_API=process`. */
  child: AppProcess | null;
  /** Its pid (for CPU accounting), when there is one. */
  pid?: number;
}

/**
 * `BENCH_API=process` serves the load from the compiled API (`dist/`) in a process of its own on
 * `port` — the load generator then does not share the API's event loop; the child runs on the
 * real clock (the benchmarks' weeks of 2027 are ahead of it too). Otherwise the in-process app
 * (which the benchmark also uses to seed and sign tokens) listens on a free port.
 */
export async function servingApi(app: INestApplication, port: number): Promise<ServingApi> {
  if (process.env.BENCH_API === 'process') {
    // BENCH_API_NODE_ARGS: Node flags for the API process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = new AppProcess('api', { PORT: String(port), LOG_LEVEL: 'warn' }, nodeArgs);
    const { pid } = child.start();
    await child.waitForOutput(/listening/, 60_000);
    return { url: `http://127.0.0.1:${port}`, child, pid };
  }
  await app.listen(0);
  return { url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), child: null };
}
