/**
 * Figure 2, probe overhead: the wall time of `runProbe` (token request plus two API steps) minus the
 * sum of the server-side held times of its exchanges. What remains is everything the probe adds:
 * connection set-up (a fresh TCP connection, and TLS handshake, per exchange, by design), request and
 * response transfer, and the engine's own work (credentials, client auth, classification, result).
 *
 * For reference (no target), the same three requests made with bare `node:http`/`node:https` and
 * `agent: false` (a fresh connection each, like the engine): the floor of any engine that opens a fresh
 * connection per exchange, on this machine.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { type ProbeResult, runProbe } from '../functions/engine/index.js';
import type { Figure, FigureGroup } from './figure.js';
import { assertPassed, benchSecrets, heldFor, holdProbe, VARIANTS, type Variant, variantLabel } from './probes.js';
import type { HoldServers } from './servers.js';
import { median, p95, round } from './stats.js';

export interface OverheadOptions {
  runs: number;
  warmup: number;
}

const TOKEN_HOLD_MS = 20;
const STEP_HOLD_MS = [10, 10];
const TARGET_MS = 5;

export async function measureOverhead(servers: HoldServers, options: OverheadOptions): Promise<FigureGroup> {
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {
    runs: options.runs,
    warmupRunsDiscarded: options.warmup,
    tokenHoldMs: TOKEN_HOLD_MS,
    stepHoldMs: STEP_HOLD_MS,
  };
  for (const variant of VARIANTS) {
    const runs = await sample(servers, variant, options);
    const overhead = runs.map((r) => r.overhead);
    const m = median(overhead);
    figures.push({
      key: `overhead.${variant}.median`,
      label: `Run wall time − server time, ${variantLabel(variant)}, median`,
      target: `≤ ${TARGET_MS} ms`,
      measured: round(m),
      unit: 'ms',
      pass: m <= TARGET_MS,
    });
    // Where the overhead goes, as medians over runs (they need not add up exactly).
    details[variant] = {
      overheadMedianMs: round(m),
      overheadP95Ms: round(p95(overhead)),
      connectAndTlsMedianMs: round(median(runs.map((r) => r.connectAndTls))),
      firstByteMinusHeldMedianMs: round(median(runs.map((r) => r.firstByteExcess))),
      bodyReadMedianMs: round(median(runs.map((r) => r.bodyRead))),
      outsideExchangesMedianMs: round(median(runs.map((r) => r.outsideExchanges))),
    };
  }
  for (const variant of ['http', 'https'] as const) {
    const floor = await sampleFloor(servers, variant, options);
    figures.push({
      key: `overhead.${variant}.bareNodeFloor.median`,
      label: `Same 3 requests with bare node:${variant} (floor), ${variantLabel(variant)}, median`,
      target: 'report',
      measured: round(median(floor)),
      unit: 'ms',
      pass: null,
    });
  }
  return { id: 2, title: 'Probe overhead', figures, details };
}

/** Token request and two steps with bare node:http(s), `agent: false`; wall time minus held time per run. */
async function sampleFloor(servers: HoldServers, variant: 'http' | 'https', options: OverheadOptions) {
  const send = (url: string, method: string, body?: string) =>
    new Promise<void>((resolve, reject) => {
      const request = variant === 'http' ? httpRequest : httpsRequest;
      const req = request(url, { method, agent: false }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  const overheads: number[] = [];
  const tags: string[] = [];
  for (let i = 0; i < options.warmup + options.runs; i++) {
    const tag = `b${variant}${i}`;
    const started = performance.now();
    await send(servers.url(variant, TOKEN_HOLD_MS, 'token', tag), 'POST', 'grant_type=client_credentials');
    for (const [n, ms] of STEP_HOLD_MS.entries()) await send(servers.url(variant, ms, 'api', `${tag}-${n + 1}`), 'GET');
    if (i >= options.warmup) {
      overheads.push(performance.now() - started);
      tags.push(tag);
    }
  }
  const held = await servers.drain();
  return overheads.map((wall, i) => {
    const prefix = `/${tags[i]}`;
    let heldMs = 0;
    for (const [path, ms] of held) if (path.endsWith(prefix) || path.includes(`${prefix}-`)) heldMs += ms;
    return wall - heldMs;
  });
}

async function sample(servers: HoldServers, variant: Variant, options: OverheadOptions) {
  const deps = { secrets: benchSecrets() };
  const plan = { variant, tokenHoldMs: TOKEN_HOLD_MS, stepHoldMs: STEP_HOLD_MS };
  const timed = async (tag: string) => {
    const probe = holdProbe(servers, plan, tag);
    const started = performance.now();
    const result = await runProbe(probe, deps);
    const wallMs = performance.now() - started;
    assertPassed(result);
    return { result, wallMs };
  };
  for (let i = 0; i < options.warmup; i++) await timed(`ow${variant}${i}`);
  await servers.drain();

  const runs: { result: ProbeResult; wallMs: number }[] = [];
  for (let i = 0; i < options.runs; i++) runs.push(await timed(`o${variant}${i}`));
  const held = await servers.drain();

  return runs.map(({ result, wallMs }) => {
    let heldMs = 0;
    let connectAndTls = 0;
    let firstByteExcess = 0;
    let bodyRead = 0;
    let exchangesTotal = 0;
    for (const exchange of result.exchanges) {
      const t = exchange.timings;
      const h = heldFor(exchange, held);
      heldMs += h;
      connectAndTls += (t.dnsMs ?? 0) + (t.connectMs ?? 0) + (t.tlsMs ?? 0);
      firstByteExcess += (t.firstByteMs ?? 0) - h;
      bodyRead += t.totalMs - (t.dnsMs ?? 0) - (t.connectMs ?? 0) - (t.tlsMs ?? 0) - (t.firstByteMs ?? 0);
      exchangesTotal += t.totalMs;
    }
    return {
      overhead: wallMs - heldMs,
      connectAndTls,
      firstByteExcess,
      bodyRead,
      outsideExchanges: wallMs - exchangesTotal,
    };
  });
}
