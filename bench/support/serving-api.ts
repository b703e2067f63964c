import type { INestApplication } from '@nestjs/common';
import { AppProcess } from '../../test/support/processes';

/** Where a benchmark's HTTP load goes: the in-process app, or the compiled API in its own process. */
export interface ServingApi {
  url: string;
  /** The compiled API's process, unless `BENCH_API=in-process`. */
  child: AppProcess | null;
  /** Its pid (for CPU accounting), when there is one. */
  pid?: number;
}

/**
 * The load goes to the compiled API (`dist/`, as `npm start` runs it) in a process of its own on
 * `port`, as an API is served: the load generator does not share the API's event loop, and, like
 * pgbench's clients on the raw side of the booking benchmark's ratio, is a process apart. The
 * child runs on the real clock (the benchmarks' weeks of 2027 are ahead of it too).
 * `BENCH_API=in-process` serves it from the in-process app instead (which the benchmark also uses
 * to seed and sign tokens), on a free port: the load generator's CPU then comes out of the API's
 * one thread, but statements can be counted and the window profiled from inside.
 */
export async function servingApi(app: INestApplication, port: number): Promise<ServingApi> {
  if (process.env.BENCH_API !== 'in-process') {
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
