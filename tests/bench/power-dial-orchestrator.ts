/**
 * The orchestrator under benchmark, in its own process so that its CPU and memory can be
 * measured apart from the load generator (tests/bench/power-dial.bench.ts forks this file).
 * Runs OrchestratorHarness (HTTP API + power dialing, daytime clock) on BENCH_DB_URL and the
 * local Asterisk, and forwards every session update to the parent over IPC (standing in for
 * the Socket.IO push a browser would get), stamped with the wall clock in ms (µs resolution).
 */
import { performance } from 'node:perf_hooks';
import { OrchestratorHarness } from '../support/orchestrator-harness';

const wall = (): number => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const dbUrl = process.env.BENCH_DB_URL;
  if (!dbUrl) throw new Error('BENCH_DB_URL is not set');
  const h = await OrchestratorHarness.start(dbUrl, {
    RING_TIMEOUT_SECONDS: process.env.BENCH_RING_TIMEOUT_SECONDS ?? '8',
    ...(process.env.BENCH_ARI_APP ? { ASTERISK_ARI_APP: process.env.BENCH_ARI_APP } : {}),
  });
  h.updates.length = 0;
  h.sessions.onUpdate((u) => {
    h.updates.length = 0; // the harness keeps every update; a long run must not
    process.send?.({
      type: 'update',
      t: wall(),
      sessionId: u.sessionId,
      stage: u.view.stage,
      call: u.view.call,
      pauseReason: u.view.pauseReason,
      endReason: u.view.endReason,
      notice: u.notice ? u.notice.kind : null,
    });
  });
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 500);
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'usage') {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
      process.send?.({ type: 'usage', t: wall(), cpu: process.cpuUsage(), mem: m, peakRss, peakHeap });
    } else if (msg.type === 'peak-reset') {
      peakRss = 0;
      peakHeap = 0;
    } else if (msg.type === 'close') {
      clearInterval(sampler);
      const errors = h.logs.lines.filter((l) => l.level === 'error').map((l) => `${l.context}: ${l.message}`);
      const warnings = h.logs.lines
        .filter((l) => l.level === 'warn')
        .map((l) => `${l.context}: ${l.message}`);
      void h.close().then(() => {
        process.send?.({ type: 'closed', errors, warnings }, () => process.exit(0));
      });
    }
  });
  process.send?.({ type: 'ready', base: h.base, pid: process.pid });
}

main().catch((error: unknown) => {
  process.send?.({ type: 'fatal', message: error instanceof Error ? error.stack : String(error) });
  process.exit(1);
});
