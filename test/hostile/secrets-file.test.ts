/**
 * A careless secrets file gets an error that says what to change: the known field a misspelt one meant
 * (any spelling convention, any known field, not one hard-coded case), the fields that were found when
 * the shape is wrong, the line and column of a JSON syntax error (the same on every Node version), and
 * never a secret value in any of it.
 */
import { describe, expect, it } from 'vitest';
import { findJsonFault } from '../../functions/json-errors.js';
import { runCli, workspace } from '../tools/cli/helpers.js';

/** Secret values the file holds: none may appear in any output. */
const VALUES = ['hunter2-SECRET-camel', 'hunter2-SECRET-kebab', 'hunter2-SECRET-typo', 'hunter2-SECRET-key'];

const probe = (name: string, secretId: string, clientAuth = 'client_secret_basic') => ({
  name,
  // Never contacted: the credentials stage fails first.
  tokenUrl: 'http://127.0.0.1:9/token',
  credentials: { secretId },
  clientAuth,
});

describe('secrets file entries with the wrong shape', () => {
  it('says which field was meant, lists the fields found, and quotes no value', async () => {
    const ws = await workspace();
    await ws.write('probes.json', {
      probes: [
        probe('camel', 'camel'),
        probe('kebab', 'kebab'),
        probe('typo', 'typo'),
        probe('key', 'key', 'private_key_jwt'),
        probe('array', 'array'),
        probe('number', 'number'),
        probe('near-id', 'billing/prod'),
      ],
    });
    await ws.write('secrets.json', {
      camel: { clientId: 'c', clientSecret: VALUES[0] },
      kebab: { 'client-id': 'c', client_secret: VALUES[1] },
      typo: { client_id: 'c', client_secert: VALUES[2] },
      key: { client_id: 'c', privateKey: VALUES[3] },
      array: ['c', 's'],
      number: { client_id: 42, client_secret: 'x' },
      'billing/prd': { client_id: 'c', client_secret: 'x' },
    });

    const cli = await runCli(['run', '-c', 'probes.json', '-s', 'secrets.json', '--json'], { cwd: ws.dir });

    expect(cli.code, cli.stderr).toBe(1);
    const results = JSON.parse(cli.stdout) as { probe: string; stage: string; code: string; message: string }[];
    const byProbe = Object.fromEntries(results.map((r) => [r.probe, r]));
    expect(results.map((r) => `${r.probe} ${r.stage}:${r.code}`)).toEqual([
      'camel credentials:secret_malformed',
      'kebab credentials:secret_malformed',
      'typo credentials:secret_malformed',
      'key credentials:secret_malformed',
      'array credentials:secret_malformed',
      'number credentials:secret_malformed',
      'near-id credentials:secret_not_found',
    ]);
    expect(byProbe.camel!.message).toMatch(
      /unknown field "clientId": did you mean "client_id"\? \(fields found: "clientId", "clientSecret"\)/,
    );
    expect(byProbe.kebab!.message).toMatch(/unknown field "client-id": did you mean "client_id"\?/);
    expect(byProbe.typo!.message).toMatch(/unknown field "client_secert": did you mean "client_secret"\?/);
    expect(byProbe.key!.message).toMatch(/unknown field "privateKey": did you mean "private_key"\?/);
    expect(byProbe.array!.message).toMatch(/must be a JSON object with at least "client_id", not an array/);
    expect(byProbe.number!.message).toMatch(/field "client_id" must be a string, not a number/);
    expect(byProbe['near-id']!.message).toMatch(/no entry "billing\/prod" .*did you mean "billing\/prd"\?/);

    const human = await runCli(['run', '-c', 'probes.json', '-s', 'secrets.json'], { cwd: ws.dir });
    expect(human.stdout).toContain('did you mean "client_id"?');
    for (const output of [cli.stdout, cli.stderr, human.stdout, human.stderr])
      for (const value of VALUES) expect(output).not.toContain(value);
  });

  it('says a file that holds one secret, not secrets keyed by secretId, is shaped wrong', async () => {
    const ws = await workspace();
    await ws.write('probes.json', { probes: [probe('one', 'oauth-probe/billing')] });
    await ws.write('secrets.json', { client_id: 'c', client_secret: VALUES[0] });

    const cli = await runCli(['run', '-c', 'probes.json', '-s', 'secrets.json'], { cwd: ws.dir });

    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(/the file looks like one secret .*key each secret by its credentials\.secretId/);
    expect(cli.stdout).not.toContain(VALUES[0]);
  });
});

describe('a secrets file that is not valid JSON', () => {
  it('gives the line and column, exit 2, and never the text around the fault', async () => {
    const ws = await workspace();
    await ws.write('probes.json', { probes: [probe('one', 's')] });
    // Line 4: a value that is not JSON right after the secret (V8's message would quote the text around it).
    await ws.write(
      'secrets.json',
      `{\n  "s": {\n    "client_id": "c",\n    "client_secret": "${VALUES[0]}" x\n  }\n}\n`,
    );

    const cli = await runCli(['run', '-c', 'probes.json', '-s', 'secrets.json'], { cwd: ws.dir });

    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(
      `secrets file secrets.json is not valid JSON: line 4, column ${`    "client_secret": "${VALUES[0]}" `.length + 1}: expected ',' or '}'`,
    );
    expect(`${cli.stdout}${cli.stderr}`).not.toContain('hunter2');
  });

  it('says what a file that is JSON but not an object is', async () => {
    const ws = await workspace();
    await ws.write('probes.json', { probes: [probe('one', 's')] });
    await ws.write('secrets.json', JSON.stringify([{ client_id: 'c', client_secret: VALUES[0] }]));

    const cli = await runCli(['run', '-c', 'probes.json', '-s', 'secrets.json'], { cwd: ws.dir });

    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/must be a JSON object keyed by secretId, not an array/);
    expect(cli.stderr).not.toContain('hunter2');
  });
});

describe('the JSON fault locator', () => {
  const CASES = [
    '{x}',
    '{"a":1,}',
    '{"a": "b"\n "c": 1}',
    '{"a":',
    '',
    '{"a":"sec\u0001ret"}',
    '[1,2',
    '{"a": tru}',
    '{"a": 01}',
    '{"a": "b"}}',
    '{"a": "\\q"}',
    '{"a": -}',
    '"\\u12x4"',
    '1.',
    '1e',
    '-',
    '{"a":1}x',
    '"abc',
    '\r\n[\r\n  1,\r\n  ]',
    `${'['.repeat(10_000)}1${']'.repeat(9_999)}`,
  ];

  it('finds the fault where JSON.parse does, whatever the Node version says', () => {
    for (const text of CASES) {
      let position: number | undefined;
      try {
        JSON.parse(text);
        throw new Error(`valid: ${text}`);
      } catch (error) {
        const match = /position (\d+)/.exec((error as Error).message);
        position = match ? Number(match[1]) : undefined;
      }
      const fault = findJsonFault(text);
      expect(fault, JSON.stringify(text)).toBeDefined();
      if (position === undefined) continue;
      const before = text.slice(0, position);
      expect({ line: fault!.line, column: fault!.column }, JSON.stringify(text)).toEqual({
        line: before.split('\n').length,
        column: position - (before.lastIndexOf('\n') + 1) + 1,
      });
    }
  });

  it('finds nothing wrong with valid JSON', () => {
    for (const text of ['{}', '[]', '"x"', '1e-5', ' {"a": [1, {"b": null}], "c": "\\u00e9\\n"} ', 'true'])
      expect(findJsonFault(text), text).toBeUndefined();
  });
});
