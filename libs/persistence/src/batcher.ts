/**
 * Flat combining of concurrent requests that share a key (a project's claims, a trunk's lines):
 * a request that finds its key idle runs at once, alone — no waiting for company; requests that
 * arrive while the key's batches are in flight queue up and go together in the next batch.
 * Under load this turns N statements, N commits and N round trips (and N turns at a row lock)
 * into one. Correctness never depends on it: each batch is what N single requests would do.
 *
 * `run` answers a batch in request order. When a batch of several fails, each request is
 * retried alone, so one bad request fails alone.
 */
export class KeyedBatcher<Req, Res> {
  private readonly waiting = new Map<string, Pending<Req, Res>[]>();
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly run: (key: string, batch: readonly Req[]) => Promise<readonly Res[]>,
    private readonly limits: { maxBatch: number; maxInFlightPerKey: number },
  ) {}

  submit(key: string, req: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      const queue = this.waiting.get(key) ?? [];
      queue.push({ req, resolve, reject });
      this.waiting.set(key, queue);
      this.pump(key);
    });
  }

  private pump(key: string): void {
    const queue = this.waiting.get(key);
    while (queue && queue.length > 0 && (this.inFlight.get(key) ?? 0) < this.limits.maxInFlightPerKey) {
      const batch = queue.splice(0, this.limits.maxBatch);
      this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
      void this.runBatch(key, batch).finally(() => {
        const left = (this.inFlight.get(key) ?? 1) - 1;
        if (left === 0) this.inFlight.delete(key);
        else this.inFlight.set(key, left);
        this.pump(key);
      });
    }
    if (queue && queue.length === 0 && !this.inFlight.has(key)) this.waiting.delete(key);
  }

  private async runBatch(key: string, batch: Pending<Req, Res>[]): Promise<void> {
    let results: readonly Res[];
    try {
      results = await this.run(
        key,
        batch.map((p) => p.req),
      );
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      await Promise.all(batch.map((p) => this.runBatch(key, [p])));
      return;
    }
    batch.forEach((p, i) => {
      if (i < results.length) p.resolve(results[i]!);
      else p.reject(new Error(`batch of ${batch.length} answered only ${results.length}`));
    });
  }
}

interface Pending<Req, Res> {
  req: Req;
  resolve: (r: Res) => void;
  reject: (e: unknown) => void;
}

/** One instance per owner (a DataSource), made on first use. */
export function perOwner<O extends object, T>(make: (owner: O) => T): (owner: O) => T {
  const instances = new WeakMap<O, T>();
  return (owner) => {
    let t = instances.get(owner);
    if (t === undefined) {
      t = make(owner);
      instances.set(owner, t);
    }
    return t;
  };
}
