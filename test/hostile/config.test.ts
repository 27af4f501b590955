/**
 * A careless config is exit 2 naming the field, never a silent pass: each case below passed `validate`
 * (or said the wrong thing) before.
 */
import { describe, expect, it } from 'vitest';
import { runCli, workspace } from '../tools/cli/helpers.js';

const base = () => ({
  name: 'p',
  tokenUrl: 'https://auth.example.test/token',
  credentials: { secretId: 's' },
  steps: [{ name: 'one', request: { url: 'https://api.example.test/x' } }] as Record<string, unknown>[],
});

const CASES: [string, Record<string, unknown>, string, RegExp][] = [
  [
    'a step named token',
    { steps: [{ name: 'token', request: { url: 'https://api.example.test/x' } }] },
    'probes[0].steps[0].name',
    /own exchanges/,
  ],
  [
    'a step named jwks',
    { steps: [{ name: 'jwks', request: { url: 'https://api.example.test/x' } }] },
    'probes[0].steps[0].name',
    /own exchanges/,
  ],
  [
    'a CRLF in a header name',
    { steps: [{ name: 'one', request: { url: 'https://api.example.test/x', headers: { 'x-a\r\nx-b': '1' } } }] },
    'probes[0].steps[0].request.headers',
    /RFC 9110 token/,
  ],
  [
    'a CRLF in a header value',
    { steps: [{ name: 'one', request: { url: 'https://api.example.test/x', headers: { 'x-a': '1\r\nx-b: 2' } } }] },
    'probes[0].steps[0].request.headers',
    /CR, LF/,
  ],
  [
    'an invalid matches regex',
    {
      steps: [
        {
          name: 'one',
          request: { url: 'https://api.example.test/x' },
          expect: { json: [{ path: 'a', matches: '([a-' }] },
        },
      ],
    },
    'probes[0].steps[0].expect.json[0].matches',
    /regular expression/,
  ],
  ['tokenParams.grant_type', { tokenParams: { grant_type: 'password' } }, 'probes[0].tokenParams', /sets grant_type/],
  [
    'deadlineMs below timeoutMs',
    { timeoutMs: 5000, deadlineMs: 1000 },
    'probes[0].deadlineMs',
    /at least timeoutMs \(5000\)/,
  ],
  ['a string where a number goes', { timeoutMs: '5000' }, 'probes[0].timeoutMs', /expected number, got string/],
];

describe('validate refuses careless configs with exit 2 and the field', () => {
  for (const [what, overrides, path, message] of CASES) {
    it(`refuses ${what}`, async () => {
      const ws = await workspace();
      await ws.write('probes.json', { probes: [{ ...base(), ...overrides }] });

      const cli = await runCli(['validate', '-c', 'probes.json'], { cwd: ws.dir });

      expect(cli.code).toBe(2);
      const line = cli.stderr.split('\n').find((l) => l.includes(path));
      expect(line, cli.stderr).toMatch(message);
    });
  }
});
