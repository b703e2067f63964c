import { BatchRun, Coalescer } from './coalescer';

/** A batch function that records the batches it was given and answers when told to. */
function recorder<R>(answer: (key: string) => R | Error) {
  const batches: string[][] = [];
  const gates: (() => void)[] = [];
  let hold = false;
  const run: BatchRun<string, R> = async (keys) => {
    batches.push(keys);
    if (hold) await new Promise<void>((r) => gates.push(r));
    return keys.map((k) => {
      const v = answer(k);
      return v instanceof Error ? { status: 'rejected', reason: v } : { status: 'fulfilled', value: v };
    });
  };
  return {
    run,
    batches,
    hold: () => (hold = true),
    release: () => {
      hold = false;
      gates.splice(0).forEach((g) => g());
    },
  };
}

describe('Coalescer', () => {
  it('keys submitted in one turn go out as one batch, each caller getting its own answer', async () => {
    const r = recorder((k) => k.toUpperCase());
    const c = new Coalescer(r.run, { maxBatch: 10, maxInFlight: 1 });
    await expect(Promise.all(['a', 'b', 'c'].map((k) => c.submit(k)))).resolves.toEqual(['A', 'B', 'C']);
    expect(r.batches).toEqual([['a', 'b', 'c']]);
  });

  it('keys submitted while a batch runs gather into the next one', async () => {
    const r = recorder((k) => k);
    const c = new Coalescer(r.run, { maxBatch: 10, maxInFlight: 1 });
    r.hold();
    const first = c.submit('a');
    await new Promise((res) => setImmediate(res));
    expect(r.batches).toEqual([['a']]);
    const later = ['b', 'c', 'd'].map((k) => c.submit(k));
    await new Promise((res) => setImmediate(res));
    expect(r.batches).toHaveLength(1); // still one in flight
    r.release();
    await expect(Promise.all([first, ...later])).resolves.toEqual(['a', 'b', 'c', 'd']);
    expect(r.batches).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('a batch is never larger than maxBatch; maxInFlight batches run at once', async () => {
    const r = recorder((k) => k);
    const c = new Coalescer(r.run, { maxBatch: 2, maxInFlight: 2 });
    r.hold();
    const all = ['a', 'b', 'c', 'd', 'e'].map((k) => c.submit(k));
    await new Promise((res) => setImmediate(res));
    expect(r.batches).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    r.release();
    await new Promise((res) => setImmediate(res));
    r.release();
    await expect(Promise.all(all)).resolves.toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(r.batches[2]).toEqual(['e']);
  });

  it("one key's failure fails only that caller", async () => {
    const r = recorder((k) => (k === 'bad' ? new Error('bad key') : k));
    const c = new Coalescer(r.run, { maxBatch: 10, maxInFlight: 1 });
    const results = await Promise.allSettled(['a', 'bad', 'c'].map((k) => c.submit(k)));
    expect(results.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('bad key'));
  });

  it('a batch function that throws fails its batch, and the next batch still runs', async () => {
    let calls = 0;
    const c = new Coalescer<string, string>(
      async (keys) => {
        if (calls++ === 0) throw new Error('database gone');
        return keys.map((k) => ({ status: 'fulfilled', value: k }));
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    await expect(Promise.allSettled(['a', 'b'].map((k) => c.submit(k)))).resolves.toEqual([
      { status: 'rejected', reason: new Error('database gone') },
      { status: 'rejected', reason: new Error('database gone') },
    ]);
    await expect(c.submit('c')).resolves.toBe('c');
  });
});
