/**
 * The shell commands a document shows, found by reading its fenced blocks: every line of a `sh` block
 * (continuation lines joined; `$ ` prompts and trailing comments dropped), and every `$ ` line of any
 * other block. A command needs AWS when its block's info string is `sh needs-aws` or its line ends
 * with a `# needs AWS credentials` comment; a command shown inside a generated sample was run by the
 * sample generator (tools/docs/samples.ts).
 */
export const NEEDS_AWS_COMMENT = '# needs AWS credentials';
export const NEEDS_AWS_INFO = 'sh needs-aws';

export interface DocCommand {
  /** The command as written, without prompt and comment. */
  command: string;
  /** 1-based line of the document. */
  line: number;
  needsAws: boolean;
  /** Inside `<!-- sample:NAME -->`: the sample's name. */
  sample?: string;
}

export function documentCommands(markdown: string): DocCommand[] {
  const commands: DocCommand[] = [];
  let fence: string | undefined;
  let sample: string | undefined;
  let pending: { text: string; line: number; needsAws: boolean } | undefined;
  for (const [index, raw] of markdown.split('\n').entries()) {
    const marker = /^<!-- sample:([\w-]+) -->/.exec(raw);
    if (marker) sample = marker[1];
    if (raw.startsWith('<!-- /sample -->')) sample = undefined;
    if (raw.startsWith('```')) {
      fence = fence === undefined ? raw.slice(3).trim() : undefined;
      continue;
    }
    if (fence === undefined) continue;
    const isShell = fence === 'sh' || fence === NEEDS_AWS_INFO;
    const prompted = raw.startsWith('$ ');
    if (!pending && !isShell && !prompted) continue;
    const needsAws = fence === NEEDS_AWS_INFO || raw.includes(NEEDS_AWS_COMMENT);
    const text = withoutComment(prompted ? raw.slice(2) : raw).trim();
    if (!pending && (text === '' || text.startsWith('#'))) continue;
    const joined = pending
      ? { ...pending, text: `${pending.text} ${text}`, needsAws: pending.needsAws || needsAws }
      : { text, line: index + 1, needsAws };
    if (text.endsWith('\\')) {
      pending = { ...joined, text: joined.text.slice(0, -1).trim() };
      continue;
    }
    pending = undefined;
    commands.push({
      command: joined.text,
      line: joined.line,
      needsAws: joined.needsAws,
      ...(sample ? { sample } : {}),
    });
  }
  return commands;
}

/** The line up to a ` #` comment that is not inside quotes. */
function withoutComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) return line.slice(0, i);
  }
  return line;
}
