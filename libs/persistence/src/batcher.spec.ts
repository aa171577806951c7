import { KeyedBatcher, perOwner } from './batcher';

/** A run function whose batches the test settles by hand. */
function manualRun<Res>() {
  const calls: { key: string; batch: readonly number[]; settle: (r: readonly Res[] | Error) => void }[] = [];
  const run = (key: string, batch: readonly number[]) =>
    new Promise<readonly Res[]>((resolve, reject) => {
      calls.push({ key, batch, settle: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
    });
  return { calls, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('KeyedBatcher', () => {
  it('runs a request that finds its key idle at once, alone', async () => {
    const { calls, run } = manualRun<string>();
    const b = new KeyedBatcher(run, { maxBatch: 10, maxInFlightPerKey: 1 });
    const p = b.submit('a', 1);
    expect(calls.map((c) => c.batch)).toEqual([[1]]);
    calls[0]!.settle(['one']);
    await expect(p).resolves.toBe('one');
  });

  it('combines what arrives while the key is busy into the next batch, in arrival order', async () => {
    const { calls, run } = manualRun<string>();
    const b = new KeyedBatcher(run, { maxBatch: 10, maxInFlightPerKey: 1 });
    const results = [1, 2, 3, 4].map((n) => b.submit('a', n));
    expect(calls.map((c) => c.batch)).toEqual([[1]]);
    calls[0]!.settle(['r1']);
    await tick();
    expect(calls.map((c) => c.batch)).toEqual([[1], [2, 3, 4]]);
    calls[1]!.settle(['r2', 'r3', 'r4']);
    await expect(Promise.all(results)).resolves.toEqual(['r1', 'r2', 'r3', 'r4']);
  });

  it('keeps keys apart and respects the batch size and the batches in flight per key', async () => {
    const { calls, run } = manualRun<number>();
    const b = new KeyedBatcher(run, { maxBatch: 2, maxInFlightPerKey: 2 });
    const a = [1, 2, 3, 4, 5, 6].map((n) => b.submit('a', n));
    const other = b.submit('b', 100);
    // Two in flight for "a" (each alone, the key not being busy yet), "b" apart; 3–6 wait.
    expect(calls.map((c) => [c.key, c.batch])).toEqual([
      ['a', [1]],
      ['a', [2]],
      ['b', [100]],
    ]);
    calls[0]!.settle([1]);
    await tick();
    expect(calls.at(-1)).toMatchObject({ key: 'a', batch: [3, 4] });
    calls[1]!.settle([2]);
    calls[2]!.settle([100]);
    await tick();
    expect(calls.at(-1)).toMatchObject({ key: 'a', batch: [5, 6] });
    calls[3]!.settle([3, 4]);
    calls[4]!.settle([5, 6]);
    await expect(Promise.all(a)).resolves.toEqual([1, 2, 3, 4, 5, 6]);
    await expect(other).resolves.toBe(100);
  });

  it('retries a failed batch request by request, so one bad request fails alone', async () => {
    const seen: number[][] = [];
    let gate!: () => void;
    const first = new Promise<void>((r) => (gate = r));
    const b = new KeyedBatcher<number, number>(
      async (_key, batch) => {
        seen.push([...batch]);
        if (seen.length === 1) await first;
        if (batch.includes(13)) throw new Error('unlucky');
        return batch.map((n) => n * 10);
      },
      { maxBatch: 10, maxInFlightPerKey: 1 },
    );
    const p1 = b.submit('k', 1);
    const rest = [12, 13, 14].map((n) => b.submit('k', n));
    gate();
    await expect(p1).resolves.toBe(10);
    const settled = await Promise.allSettled(rest);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      120,
      'unlucky',
      140,
    ]);
    expect(seen).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });

  it('rejects requests a batch left unanswered instead of leaving them hanging', async () => {
    const b = new KeyedBatcher<number, number>(async () => [], { maxBatch: 10, maxInFlightPerKey: 1 });
    await expect(b.submit('k', 1)).rejects.toThrow(/answered only 0/);
  });
});

describe('perOwner', () => {
  it('makes one instance per owner, on first use', () => {
    const make = jest.fn((o: { id: number }) => ({ of: o.id }));
    const of = perOwner(make);
    const x = { id: 1 };
    const y = { id: 2 };
    expect(of(x)).toBe(of(x));
    expect(of(y)).toEqual({ of: 2 });
    expect(make).toHaveBeenCalledTimes(2);
  });
});
