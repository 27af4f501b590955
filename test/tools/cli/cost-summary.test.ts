/**
 * `oauth-probe cost` prints a summary by default (at most 25 lines of at most 100 columns, for the
 * example probes.json and for fleets of any size) and the full report with `--detail`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProbesConfig } from '../../../functions/config/schema.js';
import { prepareDeployment } from '../../../plan/index.js';
import { palette } from '../../../tools/cli/colour.js';
import { formatCostSummary } from '../../../tools/cli/cost-summary.js';
import { main } from '../../../tools/cli/main.js';
import { capacityReport } from '../../../tools/cost/capacity.js';
import { estimateCost } from '../../../tools/cost/estimate.js';
import { REPO, workspace } from './helpers.js';
import { memoryIo } from './memory-io.js';

async function cost(argv: string[], cwd = REPO): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo(cwd);
  const code = await main(['cost', ...argv], io);
  return { code, out: io.out(), err: io.err() };
}

function size(text: string): { lines: number; columns: number } {
  const lines = text.replace(/\n$/, '').split('\n');
  return { lines: lines.length, columns: Math.max(...lines.map((line) => [...line].length)) };
}

/** `count` probes in `regions`, each against its own authorization server, with long names. */
function fleet(count: number, regions: string[]): object {
  return {
    regions,
    notifications: { dashboardsOnly: true },
    probes: Array.from({ length: count }, (_, i) => ({
      name: `probe-with-a-name-as-long-as-the-schema-allows-it-to-be-${String(i).padStart(6, '0')}`,
      tokenUrl: `https://tenant-${i}.login.identity-provider-with-a-long-domain.example.com/oauth2/v1/token`,
      credentials: { secretId: `oauth-probe/p${i}` },
      degradedMs: 1500,
      steps: [{ name: 'list', request: { method: 'GET', url: `https://api-${i}.example.com/v1/items` } }],
    })),
  };
}

describe('oauth-probe cost: the summary', () => {
  it('fits the example probes.json in 25 lines of 100 columns, with the token requests per authorization server', async () => {
    const { code, out } = await cost([]);

    expect(code).toBe(0);
    const { lines, columns } = size(out);
    expect(lines).toBeLessThanOrEqual(25);
    expect(columns).toBeLessThanOrEqual(100);
    expect(out).toMatch(/^billing-api\s+eu-west-1 \(home\)\s+43,200\s+\$\d+\.\d\d\s+\$51\.84$/m);
    expect(out).toMatch(/^partner-sync\s+eu-west-1 \(home\)\s+8,640\s+\$\d+\.\d\d\s+\$10\.37$/m);
    expect(out).toMatch(/^total\s+\$\d+\.\d\d\s+\$114\.05$/m);
    // The identity-provider figures: token requests a month per authorization server.
    expect(out).toMatch(/^ {2}auth\.example\.com\s+86,400 tokens\s+86,400 other\s+billing-api$/m);
    expect(out).toMatch(/^ {2}login\.partner\.example\.net\s+8,640 tokens\s+17,280 other\s+partner-sync$/m);
    expect(out).toMatch(/^Metrics profiles: full \[putMetricData\] \$\d+\.\d\d \(configured\), lean \[emf\]/m);
    expect(out).toContain('every rate within the default account quotas');
    expect(out).toContain('--detail');
    // The full report's sections are left to --detail.
    expect(out).not.toContain('Prices assumed');
    expect(out).not.toContain('Assumptions');
  });

  it('states the same total as --json', async () => {
    const summary = await cost([]);
    const json = await cost(['--json']);
    const estimate = JSON.parse(json.out) as { total: { monthlyUsd: number } };

    expect(summary.out).toContain(`$${estimate.total.monthlyUsd.toFixed(2)}`);
  });

  it('stays within 25 lines of 100 columns for 40 probes in 3 regions with 40 authorization servers', async () => {
    const ws = await workspace();
    await ws.write('fleet.json', fleet(40, ['eu-west-1', 'us-east-1', 'ap-southeast-2']));

    const { code, out, err } = await cost(['-c', 'fleet.json'], ws.dir);

    expect(code, err).toBe(0);
    const { lines, columns } = size(out);
    expect(lines).toBeLessThanOrEqual(25);
    expect(columns).toBeLessThanOrEqual(100);
    // The costliest probes, one row each (their regions together), and one row for the rest.
    expect(out).toMatch(/^… and 35 more probes\s+\d[\d,]*\s+\$\d+\.\d\d\s+\$\d+\.\d\d$/m);
    expect(out).toMatch(/^probe-with-a-…to-be-0000\d\d\s+3 regions\s+129,600\s/m);
    expect(out).toMatch(/^ {2}… and 38 more\s+[\d,]+ tokens\s+[\d,]+ other$/m);
  }, 60_000);

  it('groups a small fleet by probe when its probe-regions do not fit', async () => {
    const ws = await workspace();
    await ws.write('fleet.json', fleet(3, ['eu-west-1', 'us-east-1', 'ap-southeast-2']));

    const { out } = await cost(['-c', 'fleet.json'], ws.dir);

    for (const i of [0, 1, 2]) expect(out).toMatch(new RegExp(`^probe-with-a-…to-be-00000${i}\\s+3 regions\\s`, 'm'));
    expect(out).not.toContain('more probes');
  });

  it('names the regions whose default quotas are half used, and points at --detail', async () => {
    // The capacity of 600 probes in one region (Lambda concurrency and PutMetricData at half their
    // quotas or more), summarised beside the example's estimate: planning 600 probes is not needed for it.
    const crowded = capacityReport(fleet(600, ['eu-west-1', 'us-east-1']) as ProbesConfig);
    const example = JSON.parse(await readFile(join(REPO, 'probes.json'), 'utf8')) as ProbesConfig;
    const estimate = estimateCost(prepareDeployment(example, { baseDir: REPO }));

    const out = formatCostSummary(estimate, crowded, { palette: palette(false), source: 'fleet.json' });

    const { lines, columns } = size(out);
    expect(lines).toBeLessThanOrEqual(25);
    expect(columns).toBeLessThanOrEqual(100);
    expect(out).toContain('Busiest minute: 600 runs at once in eu-west-1.');
    expect(out).toContain('Default account quotas half used or more in 2 regions: see cost --detail.');
  });
});

describe('oauth-probe cost --detail', () => {
  it('prints the full report: every line of every probe-region, the prices with their dates, the assumptions and the capacity', async () => {
    const { code, out } = await cost(['--detail']);

    expect(code).toBe(0);
    expect(out).toMatch(/^billing-api\s+eu-west-1 \(home\)\s+rate\(1 minute\)\s+43,200\s+\$\d+\.\d\d\s+\$51\.84$/m);
    expect(out).toMatch(/^billing-api in us-east-1 {2}\(\d+ requests, \d+ ms billed per run\)$/m);
    expect(out).toMatch(/CloudWatch Synthetics canary run .*\$0\.0012 per canary run\s+as of 2024/);
    expect(out).toContain('Assumptions');
    expect(out).toContain('Capacity at the busiest minute');
    expect(size(out).lines).toBeGreaterThan(25);
  });
});
