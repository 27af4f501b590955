import { describe, expect, it } from 'vitest';
import { runProbes } from '../../functions/engine/index.js';
import type { ProbeResult } from '../../functions/engine/result.js';
import { resolved, startInlineServer, TestSecretSource } from './helpers.js';

describe('runProbes', () => {
  it('keeps at most `concurrency` probes in flight and returns results in input order', async () => {
    // Requests are held until three are waiting (or a second passes): the peak is then exactly the
    // limit, however slowly connections open on this machine.
    let inFlight = 0;
    let peak = 0;
    const held: (() => void)[] = [];
    const releaseAll = () => {
      for (const release of held.splice(0)) release();
    };
    const server = await startInlineServer((_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      held.push(() => {
        inFlight--;
        res.setHeader('content-type', 'application/json');
        res.setHeader('cache-control', 'no-store');
        res.end(JSON.stringify({ access_token: 'opaque-token-abcdef', token_type: 'Bearer', expires_in: 60 }));
      });
      if (held.length >= 3) releaseAll();
      else setTimeout(releaseAll, 1000);
    });
    const probes = Array.from({ length: 7 }, (_, i) =>
      resolved({ name: `p${i}`, tokenUrl: `${server.url}/token`, credentials: { secretId: 's' } }),
    );
    const seen: string[] = [];

    const results = await runProbes(
      probes,
      { secrets: new TestSecretSource({ s: { client_id: 'c', client_secret: 'inline-secret' } }) },
      { concurrency: 3, onResult: (r: ProbeResult) => seen.push(r.probe) },
    );
    await server.close();

    expect(results.map((r) => r.probe)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
    expect(results.every((r) => r.status === 'pass')).toBe(true);
    expect(peak).toBe(3);
    expect([...seen].sort()).toEqual(results.map((r) => r.probe));
  });

  it('returns an empty list for no probes', async () => {
    expect(await runProbes([], { secrets: new TestSecretSource({}) })).toEqual([]);
  });
});
