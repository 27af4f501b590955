/**
 * Text from outside (a server, a secret, an AWS error) made safe for a terminal, a log line or a
 * notification. Used by the engine for every result and by the CLI for every line it prints, so it is a
 * leaf module: it imports nothing.
 */

// Built from strings: the characters are spelled as escapes, which a regex literal's lint rejects.
const ESC = '\\u001b';
const ESCAPE_SEQUENCE = new RegExp(
  [
    `${ESC}\\[[0-?]*[ -/]*[@-~]`, // CSI: colours, cursor moves, clear screen
    `${ESC}\\][^\\u0007\\u001b]*(?:\\u0007|${ESC}\\\\)?`, // OSC: window title, OSC 52 clipboard, links
    `${ESC}[@-Z\\\\-_]?`, // other two-byte escapes (and a lone ESC)
    '\\u009b[0-?]*[ -/]*[@-~]', // C1 CSI
  ].join('|'),
  'g',
);
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being removed
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Server text made safe for a terminal, a log line or a notification: ANSI/OSC escape sequences (clear
 * screen, window title, OSC 52 clipboard writes), other C0/C1 controls and bidi overrides removed; tab,
 * CR and LF are kept (callers that want one line flatten them).
 */
export function stripControl(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');
}
