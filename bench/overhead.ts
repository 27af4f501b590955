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
/** Issue 12: the engine's overhead at most 1.25× that of a bare node:http(s) client. */
const MAX_RATIO_TO_FLOOR = 1.25;

export async function measureOverhead(servers: HoldServers, options: OverheadOptions): Promise<FigureGroup> {
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {
    runs: options.runs,
    warmupRunsDiscarded: options.warmup,
    tokenHoldMs: TOKEN_HOLD_MS,
    stepHoldMs: STEP_HOLD_MS,
  };
  for (const variant of VARIANTS) {
    // The floor first, then the engine, in the same run: the ratio compares like with like.
    const floor = median(await sampleFloor(servers, variant, options));
    const runs = await sample(servers, variant, options);
    const overhead = runs.map((r) => r.overhead);
    const m = median(overhead);
    const ratio = m / floor;
    figures.push(
      {
        key: `overhead.${variant}.bareNodeFloor.median`,
        label: `Same 3 requests with bare node:${variant === 'http' ? 'http' : 'https'} (floor), ${variantLabel(variant)}, median`,
        target: 'report',
        measured: round(floor),
        unit: 'ms',
        pass: null,
      },
      {
        key: `overhead.${variant}.median`,
        label: `Run wall time − server time, ${variantLabel(variant)}, median`,
        target: 'report',
        measured: round(m),
        unit: 'ms',
        pass: null,
      },
      {
        key: `overhead.${variant}.ratioToFloor`,
        label: `Run wall time − server time ÷ floor, ${variantLabel(variant)}, median`,
        target: `≤ ${MAX_RATIO_TO_FLOOR}×`,
        measured: round(ratio),
        unit: '×',
        pass: ratio <= MAX_RATIO_TO_FLOOR,
      },
    );
    // Where the overhead goes, as medians over runs (they need not add up exactly): connect + TLS and
    // first-byte excess are the network's and the server's; body read and outside-exchanges are ours.
    details[variant] = {
      floorMedianMs: round(floor),
      overheadMedianMs: round(m),
      overheadP95Ms: round(p95(overhead)),
      aboveFloorMedianMs: round(m - floor),
      connectAndTlsMedianMs: round(median(runs.map((r) => r.connectAndTls))),
      firstByteMinusHeldMedianMs: round(median(runs.map((r) => r.firstByteExcess))),
      bodyReadMedianMs: round(median(runs.map((r) => r.bodyRead))),
      outsideExchangesMedianMs: round(median(runs.map((r) => r.outsideExchanges))),
    };
  }
  return { id: 2, title: 'Probe overhead', figures, details };
}

/**
 * One "bare probe": the token request and `steps` API requests with bare node:http(s) and `agent: false`
 * (a fresh connection each, like the engine), sequentially. Over `https+tls.ca` the CA goes in the
 * request's `ca` option, as a bare client trusting a private CA would do it.
 */
export async function bareProbe(
  servers: HoldServers,
  variant: Variant,
  tag: string,
  holds: { tokenHoldMs: number; stepHoldMs: readonly number[] },
): Promise<void> {
  const send = (url: string, method: string, body?: string) =>
    new Promise<void>((resolve, reject) => {
      const request = variant === 'http' ? httpRequest : httpsRequest;
      const options = { method, agent: false, ...(variant === 'https+tls.ca' ? { ca: servers.ca } : {}) };
      const req = request(url, options, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  const protocol = variant === 'http' ? 'http' : 'https';
  await send(servers.url(protocol, holds.tokenHoldMs, 'token', tag), 'POST', 'grant_type=client_credentials');
  for (const [n, ms] of holds.stepHoldMs.entries())
    await send(servers.url(protocol, ms, 'api', `${tag}-${n + 1}`), 'GET');
}

/** Wall time minus held time of bare probes (the floor), per run. */
async function sampleFloor(servers: HoldServers, variant: Variant, options: OverheadOptions) {
  const overheads: number[] = [];
  const tags: string[] = [];
  for (let i = 0; i < options.warmup + options.runs; i++) {
    const tag = `b${variant}${i}`.replace(/[^A-Za-z0-9-]/g, '');
    const started = performance.now();
    await bareProbe(servers, variant, tag, { tokenHoldMs: TOKEN_HOLD_MS, stepHoldMs: STEP_HOLD_MS });
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
