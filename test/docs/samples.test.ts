/**
 * The sample-drift check: every sample output in the docs is regenerated from real runs
 * (tools/docs/samples.ts) and must be exactly what is committed between its markers. After a change
 * that alters an output, `npm run docs:samples` rewrites them; review the diff and commit it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dashboardUrl } from '../../lib/names.js';
import { markedSamples, renderSample, SAMPLE_DOCS } from '../../tools/docs/markers.js';
import { generateSamples, REPO, type Sample, WRONG_SECRET } from '../../tools/docs/samples.js';
import { PLAYGROUND_FAULTS } from '../../tools/local-servers/fault-catalogue.js';

let samples: Map<string, Sample>;
const docs = new Map<string, string>();

beforeAll(async () => {
  samples = new Map((await generateSamples()).map((sample) => [sample.name, sample]));
  for (const doc of SAMPLE_DOCS) docs.set(doc, await readFile(join(REPO, doc), 'utf8'));
}, 60_000);

describe('docs samples', () => {
  it('are what the code prints now (else run `npm run docs:samples` and commit)', () => {
    for (const [doc, markdown] of docs) {
      for (const marked of markedSamples(markdown)) {
        const sample = samples.get(marked.name);
        expect(sample, `${doc} marks a sample "${marked.name}" that nothing generates`).toBeDefined();
        expect(marked.body, `${doc}: sample "${marked.name}" is out of date: npm run docs:samples`).toBe(
          renderSample(sample as Sample),
        );
      }
    }
  });

  it('are each placed in a doc', () => {
    const placed = new Set([...docs.values()].flatMap((markdown) => markedSamples(markdown).map((m) => m.name)));
    expect([...samples.keys()].filter((name) => !placed.has(name))).toEqual([]);
  });

  it('show only commands the generator ran', () => {
    for (const sample of samples.values()) {
      for (const line of sample.text.split('\n').filter((l) => l.startsWith('$ '))) {
        expect(sample.commands, sample.name).toContain(line.slice(2));
      }
    }
  });

  it('show no secret: not the wrong secret the samples send, no private key, no token', () => {
    for (const sample of samples.values()) {
      expect(sample.text, sample.name).not.toContain(WRONG_SECRET);
      expect(sample.text, sample.name).not.toMatch(/BEGIN (EC |RSA )?PRIVATE KEY|eyJ[\w-]{10,}\.eyJ/);
      expect(sample.text, sample.name).not.toMatch(/"client_secret"/);
    }
  });

  it('list every fault of `local --fault` with the stage and code its real run got', () => {
    const documented = markedSamples(docs.get('docs/cli.md') ?? '').find((m) => m.name === 'local-faults')?.body ?? '';
    for (const fault of PLAYGROUND_FAULTS) {
      const block = documented.split('\n\n').find((b) => b.startsWith(`--fault ${fault.name} `));
      const { stage, step, code } = fault.diagnosis as { stage: string; step?: string; code: string };
      const where = step ? `${stage} (step ${step})` : stage;
      expect(block, `docs/cli.md documents --fault ${fault.name}`).toBeDefined();
      expect(block!.split('\n')[1], fault.name).toMatch(
        new RegExp(`^FAIL\\s+local-basic\\s+\\d+ ms {2}${where.replace(/[()]/g, '\\$&')} · ${code}\\b`),
      );
    }
  });

  it('name only things that exist: the playground probes and secrets, the real dashboard', () => {
    for (const [doc, markdown] of docs) {
      expect(markdown, doc).not.toContain('reports-api');
      expect(markdown, doc).not.toMatch(/dashboards\/dashboard\/oauth-probe\b/);
    }
    const email = samples.get('notification-email')?.text ?? '';
    expect(email).toContain(`Dashboard:     ${dashboardUrl('eu-west-1')}`);
    // The hint is the engine's own, for the secret id of the example's billing-api.
    expect(samples.get('readme-headline')?.text).toContain('Check credentials.secretId ("oauth-probe/billing")');
    expect(samples.get('run-json')?.text).toContain('Check credentials.secretId (\\"local/post\\")');
  });
});
