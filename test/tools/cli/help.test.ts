/** Every command's --help lists every flag its parser accepts, with its short form, and no flag it does not. */
import { describe, expect, it } from 'vitest';
import { loadCommands } from '../../../tools/cli/main.js';

// Every command the CLI knows, loaded the way the CLI loads them (top-level await: vitest runs ESM).
const COMMANDS = await loadCommands();

describe.each(COMMANDS.map((command) => [command.name, command] as const))(
  'oauth-probe %s --help',
  (_name, command) => {
    it('lists every option the parser accepts, short forms included', () => {
      for (const [name, spec] of Object.entries(command.options)) {
        const flag = spec.short ? `-${spec.short}, --${name}` : `--${name}`;
        expect(command.help, `${command.name} --help should list ${flag}`).toMatch(
          new RegExp(`(^|\\s)${flag.replace(/[-,]/g, (c) => `\\${c}`)}(\\s|$)`, 'm'),
        );
      }
    });

    it('names no option the parser would reject', () => {
      const accepted = new Set(Object.keys(command.options));
      // Flags in the Usage and Options sections (examples may show other tools' flags, e.g. jq's).
      const reference = command.help.split(/\nExamples:/)[0] ?? command.help;
      const named = [...reference.matchAll(/(?<![\w-])--([a-z][\w-]*)/g)].map((m) => m[1] as string);
      expect(named.filter((name) => !accepted.has(name))).toEqual([]);
    });

    it('is what `oauth-probe <command> --help` prints', async () => {
      const { main } = await import('../../../tools/cli/main.js');
      let stdout = '';
      const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, env: {}, cwd: '.' };
      expect(await main([command.name, '--help'], io)).toBe(0);
      expect(stdout).toBe(command.help);
    });
  },
);
