import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  RUNBOOK_FAMILIES,
  RUNBOOK_FIRST_STEPS,
  runbookFamily,
  runbookPath,
} from '../../functions/contract/runbooks.js';
import { ALL_CODES, CODES_BY_STAGE, STAGES, TRANSPORT_CODES } from '../../functions/engine/index.js';

const root = join(import.meta.dirname, '..', '..');
const checks = (markdown: string): string[] => {
  const section = markdown.split('## Checks, in order')[1]?.split('\n## ')[0] ?? '';
  return [...section.matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1]!);
};

describe('runbooks in docs/runbooks', () => {
  it.each(RUNBOOK_FAMILIES)(
    '%s: the file exists and begins its checks with the steps notifications quote',
    (family) => {
      const markdown = readFileSync(join(root, runbookPath(family)), 'utf8');
      const steps = checks(markdown);
      expect(steps.slice(0, RUNBOOK_FIRST_STEPS[family].length)).toEqual([...RUNBOOK_FIRST_STEPS[family]]);
      expect(markdown).toContain('## Safe remediations');
    },
  );

  it('maps every result code of every stage to a family whose runbook names it', () => {
    for (const stage of STAGES) {
      for (const code of CODES_BY_STAGE[stage]) {
        const family = runbookFamily({ stage, code });
        const markdown = readFileSync(join(root, runbookPath(family)), 'utf8');
        if (stage !== 'config') expect(markdown, `${stage}/${code} in ${family}`).toContain(`\`${code}\``);
      }
    }
    for (const code of TRANSPORT_CODES) {
      expect(runbookFamily({ stage: 'token', code })).toBe('transport');
      expect(runbookFamily({ stage: 'api', code })).toBe('transport');
    }
    expect(ALL_CODES.length).toBeGreaterThan(30);
  });

  it('maps alarm kinds without a result: stopped, expiry, latency', () => {
    expect(runbookFamily({ kind: 'stopped' })).toBe('stopped');
    expect(runbookFamily({ kind: 'expiry' })).toBe('credentials');
    expect(runbookFamily({ kind: 'latency' })).toBe('degraded');
    expect(runbookFamily({ kind: 'burnFast', stage: 'api', code: 'forbidden' })).toBe('api');
    expect(runbookFamily({ code: 'slow_response', stage: 'token' })).toBe('degraded');
    expect(runbookFamily({ code: 'internal_error' })).toBe('stopped');
  });
});
