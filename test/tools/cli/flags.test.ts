/**
 * The flag conventions of docs/cli.md ("Flags"), read from what users read: every command's --help.
 * One meaning per short flag across the whole CLI (legacy short forms included), and every enumerated
 * option refuses a value it does not know with exit 2 and, for a typo, "did you mean".
 */
import { describe, expect, it } from 'vitest';
import type { OptionDef } from '../../../tools/cli/args.js';
import type { Io } from '../../../tools/cli/io.js';
import { globalHelp, loadCommands, main } from '../../../tools/cli/main.js';
import { REPO } from './helpers.js';

const COMMANDS = await loadCommands();

/** `-c, --config` pairs in a help text (the Options section; examples may show other tools' flags). */
function shortFlags(help: string): [string, string][] {
  const reference = help.split(/\nExamples:/)[0] ?? help;
  return [...reference.matchAll(/(?<![\w-])-(\w), --([a-z][\w-]*)/g)].map((m) => [m[1]!, m[2]!]);
}

function io(): Io & { out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: { NO_COLOR: '1' },
    cwd: REPO,
    out: () => stdout,
    err: () => stderr,
  };
}

/** A typo of `value` that a person makes: two neighbours swapped in the middle. */
function typo(value: string): string {
  const i = Math.floor(value.length / 2);
  return value.slice(0, i - 1) + value[i] + value[i - 1] + value.slice(i + 1);
}

describe('short flags', () => {
  it('mean one long option each, across every command and the global help (legacy forms included)', async () => {
    const meanings = new Map<string, Set<string>>();
    const add = (letter: string, long: string, where: string) => {
      const set = meanings.get(letter) ?? new Set<string>();
      set.add(`--${long}`);
      meanings.set(letter, set);
      expect(long, where).toBeTruthy();
    };
    for (const [letter, long] of shortFlags(await globalHelp())) add(letter, long, 'oauth-probe --help');
    for (const command of COMMANDS) {
      const listed = shortFlags(command.help);
      for (const [letter, long] of listed) add(letter, long, command.name);
      for (const [long, def] of Object.entries(command.options) as [string, OptionDef][]) {
        if (def.legacyShort) add(def.legacyShort, long, `${command.name} (legacy)`);
        // What the help shows is what the parser takes.
        if (def.short) expect(listed, `${command.name} --${long}`).toContainEqual([def.short, long]);
      }
    }
    const twoMeanings = [...meanings].filter(([, longs]) => longs.size > 1).map(([l, longs]) => `-${l}: ${[...longs]}`);
    expect(twoMeanings).toEqual([]);
    // The letters the conventions fix (docs/cli.md): help, verbose, config, probe, region, force, dir.
    expect(Object.fromEntries([...meanings].map(([letter, longs]) => [letter, [...longs][0]]))).toMatchObject({
      h: '--help',
      v: '--version',
      V: '--verbose',
      c: '--config',
      p: '--probe',
      r: '--region',
      f: '--force',
      d: '--dir',
    });
  });

  it('-v is the version, as it always was (and no command gives -v another meaning)', async () => {
    const short = io();
    const long = io();

    expect(await main(['-v'], short)).toBe(0);
    expect(await main(['--version'], long)).toBe(0);
    expect(short.out()).toBe(long.out());
    expect(short.out()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('-V alone is not a command: one line pointing at run --verbose and --version, exit 2', async () => {
    const cli = io();

    expect(await main(['-V'], cli)).toBe(2);
    expect(cli.err()).toContain('-V is --verbose');
  });
});

const ENUMERATED = COMMANDS.flatMap((command) =>
  (Object.entries(command.options) as [string, OptionDef][])
    .filter(([, def]) => def.choices !== undefined)
    .map(([name, def]) => [`${command.name} --${name}`, command.name, name, def.choices!] as const),
);

describe('enumerated options', () => {
  it('exist where the docs say (reporter, code, stage, state, region of init, fault)', () => {
    expect(ENUMERATED.map(([label]) => label)).toEqual(
      expect.arrayContaining([
        'run --reporter',
        'notify-preview --code',
        'notify-preview --stage',
        'notify-preview --state',
        'init --region',
        'local --fault',
      ]),
    );
  });

  it.each(ENUMERATED)(
    '%s refuses an unknown value with exit 2, and a typo with "did you mean"',
    async (_label, command, name, choices) => {
      const unknown = io();
      expect(await main([command, `--${name}`, 'zz-not-a-value'], unknown)).toBe(2);
      expect(unknown.err()).toMatch(new RegExp(`^oauth-probe: --${name} zz-not-a-value: (must be one of|not one of)`));
      expect(unknown.out()).toBe('');

      const meant = [...choices].sort((a, b) => b.length - a.length)[0]!;
      const mistyped = io();
      expect(await main([command, `--${name}`, typo(meant)], mistyped)).toBe(2);
      expect(mistyped.err().split('\n')[0]).toContain(`did you mean ${meant}?`);
    },
  );

  it('accept a known value in another case, as its canonical spelling', async () => {
    const cli = io();
    const code = await main(['notify-preview', '--probe', 'billing-api', '--state', 'ok', '--channel', 'slack'], cli);

    expect([code, cli.err()]).toEqual([0, '']);
    expect(cli.out()).toMatch(/^sample: \w+ critical OK → /m);
  });

  it.each([
    [['notify-preview', '--probe', 'billing-api', '--channel', 'platform-slak'], 'did you mean platform-slack?'],
    [['notify-preview', '--probe', 'biling-api'], 'did you mean billing-api?'],
    [['mute', '--probe', 'biling-api', '--for', '1h'], 'did you mean billing-api?'],
    [['unmute', '--probe', 'billing-apl'], 'did you mean billing-api?'],
    [['alert-test', '--probe', 'partner-synk'], 'did you mean partner-sync?'],
    [['alert-test', '--region', 'eu-west-2'], 'did you mean eu-west-1?'],
    [['run', '--probe', 'biling-api', '--secrets', 'x.json'], 'did you mean billing-api?'],
    [['slo-report', '--probe', 'partner-synk'], 'did you mean partner-sync?'],
    [['run', '--verbos'], 'did you mean --verbose?'],
  ])('values from the config too: %j → %s, exit 2', async (argv, hint) => {
    const cli = io();

    expect(await main(argv, cli)).toBe(2);
    expect(cli.err().split('\n')[0]).toContain(hint);
  });
});
