/**
 * Where JSON text goes wrong, as a line and a column, without quoting the text.
 *
 * Node's `JSON.parse` messages differ by version (Node 20: "... in JSON at position 11", or no position
 * at all for `Unexpected token 'x', "<the text>" is not valid JSON`; Node 24 adds "(line 2 column 3)"),
 * and some quote the text around the fault, which may be a secret. So the fault is located here by a
 * small scanner of RFC 8259's grammar instead: the same answer on every Node version, and nothing of
 * the text in it. Hand-written because no maintained package that does this is light enough for the
 * Lambda bundle (the secret parser runs there); it is only run on text `JSON.parse` already refused.
 *
 * A leaf module: it imports nothing.
 */

export interface JsonFault {
  /** 1-based line (lines end at \n). */
  line: number;
  /** 1-based column, in UTF-16 code units. */
  column: number;
  /** What the grammar wanted there, e.g. `',' or '}'`, `a value`, `the end of the text`. */
  expected: string;
}

type State = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close' | 'end';

const EXPECTED: Record<State, string> = {
  value: 'a value',
  'value-or-close': "a value or ']'",
  key: 'a double-quoted property name',
  'key-or-close': "a double-quoted property name or '}'",
  colon: "':'",
  'comma-or-close': "',' or a closing bracket", // the bracket of the open container, see expectedIn
  end: 'the end of the text',
};

const WHITESPACE = /[ \t\n\r]*/y;

/** The first fault in `text`, or undefined when it is valid JSON. Never throws; no recursion (deep text is fine). */
export function findJsonFault(text: string): JsonFault | undefined {
  const stack: ('{' | '[')[] = [];
  let i = 0;
  let state: State = 'value';
  const fault = (at: number, expected: string): JsonFault => ({ ...lineAndColumn(text, at), expected });
  const afterValue = (): State => (stack.length === 0 ? 'end' : 'comma-or-close');
  const expectedIn = (at: State): string =>
    at === 'comma-or-close' ? (stack.at(-1) === '{' ? "',' or '}'" : "',' or ']'") : EXPECTED[at];
  for (;;) {
    WHITESPACE.lastIndex = i;
    WHITESPACE.test(text);
    i = WHITESPACE.lastIndex;
    if (i >= text.length) return state === 'end' ? undefined : fault(i, `${expectedIn(state)} (the text ends early)`);
    const c = text[i];
    if (state === 'end') return fault(i, EXPECTED.end);
    if ((state === 'value-or-close' && c === ']') || (state === 'key-or-close' && c === '}')) {
      stack.pop();
      i++;
      state = afterValue();
    } else if (state === 'value' || state === 'value-or-close') {
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        state = c === '{' ? 'key-or-close' : 'value-or-close';
        continue;
      }
      const end = scalarEnd(text, i);
      // Nothing that starts a value here: say all that could have come (`a value or ']'`).
      if (typeof end !== 'number') return fault(end.at, end.at === i ? EXPECTED[state] : end.expected);
      i = end;
      state = afterValue();
    } else if (state === 'key' || state === 'key-or-close') {
      const end = c === '"' ? stringEnd(text, i) : { at: i, expected: EXPECTED[state] };
      if (typeof end !== 'number') return fault(end.at, end.expected);
      i = end;
      state = 'colon';
    } else if (state === 'colon') {
      if (c !== ':') return fault(i, EXPECTED.colon);
      i++;
      state = 'value';
    } else {
      const top = stack.at(-1);
      if (c === ',') {
        i++;
        state = top === '{' ? 'key' : 'value';
      } else if ((top === '{' && c === '}') || (top === '[' && c === ']')) {
        stack.pop();
        i++;
        state = afterValue();
      } else {
        return fault(i, expectedIn(state));
      }
    }
  }
}

/** "line 3, column 7: expected ',' or '}'" for text `JSON.parse` refused. */
export function describeJsonFault(text: string): string {
  const fault = findJsonFault(text);
  // JSON.parse and the scanner disagree only on what no grammar forbids: say where the text ends.
  const { line, column, expected } = fault ?? { ...lineAndColumn(text, text.length), expected: 'valid JSON' };
  return `line ${line}, column ${column}: expected ${expected}`;
}

/** Index after the number, string or literal at `i`, or where and what it wanted. */
function scalarEnd(text: string, i: number): number | { at: number; expected: string } {
  const c = text[i];
  if (c === '"') return stringEnd(text, i);
  for (const literal of ['true', 'false', 'null']) if (text.startsWith(literal, i)) return i + literal.length;
  if (c !== '-' && !isDigit(text, i)) return { at: i, expected: EXPECTED.value };
  return numberEnd(text, i);
}

/** Index after the number at `i`, or the first character that breaks RFC 8259's number grammar. */
function numberEnd(text: string, i: number): number | { at: number; expected: string } {
  let j = text[i] === '-' ? i + 1 : i;
  const digits = (what: string): { at: number; expected: string } | undefined => {
    if (!isDigit(text, j)) return { at: j, expected: what };
    while (isDigit(text, j)) j++;
    return undefined;
  };
  if (text[j] === '0') j++;
  else {
    const fault = digits('a digit');
    if (fault) return fault;
  }
  if (text[j] === '.') {
    j++;
    const fault = digits('a digit after the decimal point');
    if (fault) return fault;
  }
  if (text[j] === 'e' || text[j] === 'E') {
    j++;
    if (text[j] === '+' || text[j] === '-') j++;
    const fault = digits('a digit in the exponent');
    if (fault) return fault;
  }
  return j;
}

function isDigit(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  return code >= 0x30 && code <= 0x39;
}

/** Index after the string that starts (with its quote) at `i`. */
function stringEnd(text: string, i: number): number | { at: number; expected: string } {
  for (let j = i + 1; j < text.length; j++) {
    const code = text.charCodeAt(j);
    if (code === 0x22) return j + 1;
    if (code < 0x20) return { at: j, expected: 'no control character inside a string (escape it, e.g. \\n)' };
    if (code === 0x5c) {
      const next = text[j + 1];
      if (next === 'u') {
        for (let k = j + 2; k < j + 6; k++) {
          if (!/[0-9a-fA-F]/.test(text[k] ?? '')) return { at: k, expected: 'four hex digits after \\u' };
        }
        j += 5;
      } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
        j++;
      } else {
        return { at: j + 1, expected: 'a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)' };
      }
    }
  }
  return { at: text.length, expected: 'the closing quote of the string (the text ends early)' };
}

function lineAndColumn(text: string, at: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let j = text.indexOf('\n'); j !== -1 && j < at; j = text.indexOf('\n', j + 1)) {
    line++;
    lineStart = j + 1;
  }
  return { line, column: at - lineStart + 1 };
}
