/**
 * `oauth-probe run --reporter junit`: JUnit XML for CI systems (Jenkins, GitLab, GitHub test
 * reporters). One test suite, one test case per probe; a failed probe is a `<failure>` whose message is
 * stage, code and hint; a degraded probe passes (exit 0, as elsewhere) and says why in `<system-out>`.
 * Written by hand rather than with an XML library: the format is a dozen lines and the only hard part,
 * escaping, is `xmlText` below. Results carry no secrets (the engine redacts them), and nothing else
 * goes in.
 */
import type { ProbeResult } from '../../functions/engine/index.js';

// Characters XML 1.0 cannot carry at all, not even escaped (C0 controls other than tab, LF, CR; lone
// surrogates; U+FFFE/U+FFFF): replaced, so a server's odd error text cannot make the report unreadable.
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what we remove
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for an XML attribute value or element content. */
export function xmlText(value: unknown): string {
  return String(value)
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#13;')
    .replace(/\n/g, '&#10;')
    .replace(/\t/g, '&#9;');
}

/** Content of an element (newlines kept as they are). */
function xmlContent(value: string): string {
  return xmlText(value).replace(/&#10;/g, '\n');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** `token invalid_client: <hint>`: what the issue asks the failure message to be. */
export function failureMessage(result: ProbeResult): string {
  const where = [result.stage, result.step ? `step ${result.step}` : null, result.code].filter(Boolean).join(' ');
  return result.hint ? `${where}: ${result.hint}` : where;
}

function details(result: ProbeResult): string {
  const lines = [
    result.message,
    result.httpStatus !== null ? `HTTP ${result.httpStatus}` : null,
    result.hint ? `hint: ${result.hint}` : null,
    ...result.warnings.map((w) => `warning: ${w.message}`),
  ];
  return lines.filter((line): line is string => Boolean(line)).join('\n');
}

function testCase(result: ProbeResult, suite: string): string {
  const open = `    <testcase name="${xmlText(result.probe)}" classname="${xmlText(suite)}" time="${seconds(result.durationMs)}"`;
  if (result.status === 'fail') {
    return `${open}>
      <failure message="${xmlText(failureMessage(result))}" type="${xmlText(result.code ?? 'fail')}">${xmlContent(details(result))}</failure>
    </testcase>`;
  }
  const notes =
    result.status === 'degraded' ? `degraded: ${failureMessage(result)}\n${details(result)}` : details(result);
  return notes ? `${open}>\n      <system-out>${xmlContent(notes)}</system-out>\n    </testcase>` : `${open}/>`;
}

export interface JunitOptions {
  /** Test suite name and test case class name. @default 'oauth-probe' */
  suite?: string;
  /** Wall time of the whole run. */
  durationMs: number;
  /** ISO 8601 start of the run. */
  timestamp: string;
}

export function formatJunit(results: readonly ProbeResult[], options: JunitOptions): string {
  const suite = options.suite ?? 'oauth-probe';
  const failures = results.filter((r) => r.status === 'fail').length;
  const attributes = `name="${xmlText(suite)}" tests="${results.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(options.durationMs)}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites ${attributes}>
  <testsuite ${attributes} timestamp="${xmlText(options.timestamp)}">
${results.map((r) => testCase(r, suite)).join('\n')}
  </testsuite>
</testsuites>
`;
}
