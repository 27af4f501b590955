import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probesJsonSchemaText } from '../../../tools/cli/commands/schema.js';
import { REPO, runCli, workspace } from './helpers.js';

type Schema = Record<string, unknown>;

/**
 * A small JSON Schema checker for the keywords the generated schema uses (type, properties, required,
 * additionalProperties, items, enum, anyOf, minItems, pattern): enough to show that probes.json is
 * accepted structurally by the schema editors are pointed at.
 */
function check(schema: Schema, value: unknown, path = '$'): string[] {
  if (schema.anyOf) {
    const branches = (schema.anyOf as Schema[]).map((branch) => check(branch, value, path));
    return branches.some((problems) => problems.length === 0) ? [] : [`${path}: matches no anyOf branch`];
  }
  const problems: string[] = [];
  const type = schema.type as string | undefined;
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (type === 'integer' ? !Number.isInteger(value) : type !== undefined && type !== actual) {
    return [`${path}: expected ${type}, got ${actual}`];
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) problems.push(`${path}: not in enum`);
  if (typeof schema.pattern === 'string' && typeof value === 'string' && !new RegExp(schema.pattern).test(value)) {
    problems.push(`${path}: does not match ${schema.pattern}`);
  }
  if (actual === 'object') {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required ?? []) as string[]) {
      if (!(key in record)) problems.push(`${path}.${key}: required`);
    }
    for (const [key, child] of Object.entries(record)) {
      if (properties[key]) problems.push(...check(properties[key], child, `${path}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${path}.${key}: not allowed`);
      else if (typeof schema.additionalProperties === 'object') {
        problems.push(...check(schema.additionalProperties as Schema, child, `${path}.${key}`));
      }
    }
  }
  if (actual === 'array') {
    const items = value as unknown[];
    if (typeof schema.minItems === 'number' && items.length < schema.minItems) problems.push(`${path}: too few items`);
    if (schema.items) {
      for (const [i, item] of items.entries()) problems.push(...check(schema.items as Schema, item, `${path}[${i}]`));
    }
  }
  return problems;
}

describe('oauth-probe schema', () => {
  it('prints a draft 2020-12 JSON Schema of probes.json with descriptions', async () => {
    const { code, stdout } = await runCli(['schema']);

    expect(code).toBe(0);
    const schema = JSON.parse(stdout);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['probes']);
    const probe = schema.properties.probes.items;
    expect(probe.properties.clientAuth.enum).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
      'tls_client_auth',
    ]);
    expect(probe.properties.clientAuth.description).toContain('@default "client_secret_basic"');
    expect(probe.additionalProperties).toBe(false);
  });

  it('is committed up to date as probes.schema.json (run `npx oauth-probe schema --out probes.schema.json`)', () => {
    const committed = readFileSync(join(REPO, 'probes.schema.json'), 'utf8');

    expect(committed).toBe(probesJsonSchemaText());
  });

  it('accepts the example probes.json, which points at it', () => {
    const schema = JSON.parse(readFileSync(join(REPO, 'probes.schema.json'), 'utf8'));
    const example = JSON.parse(readFileSync(join(REPO, 'probes.json'), 'utf8'));

    expect(example.$schema).toBe('./probes.schema.json');
    expect(check(schema, example)).toEqual([]);
  });

  it('rejects what the config loader rejects structurally', () => {
    const schema = JSON.parse(readFileSync(join(REPO, 'probes.schema.json'), 'utf8'));

    const problems = check(schema, {
      probes: [{ name: 'p', tokenUrl: 'https://a/t', credentials: { secretId: 'x' }, clientAuth: 'basic', typo: 1 }],
    });

    expect(problems).toEqual(['$.probes[0].clientAuth: not in enum', '$.probes[0].typo: not allowed']);
  });

  it('writes the schema to a file with --out', async () => {
    const ws = await workspace();

    const { code, stdout, stderr } = await runCli(['schema', '--out', 'schema.json'], { cwd: ws.dir });

    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe('wrote schema.json\n');
    expect(await readFile(join(ws.dir, 'schema.json'), 'utf8')).toBe(probesJsonSchemaText());
  });
});
