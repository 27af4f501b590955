/**
 * Figure 1, fresh process: what the first exchange of a new process reports, the case of every Lambda
 * cold start and of every CLI run. Each sample is a new process that makes one token request to the
 * hold server (held TOKEN_HOLD_MS); error = reported first byte (connection ready → first response
 * byte) − the time the server really held the response.
 *
 * Three clients, interleaved round by round so that they share the machine's noise:
 * - the probe engine bundled as the Lambda function is (./first-run-child.ts), for HTTP, HTTPS, HTTPS with
 *   `tls.ca` and mutual TLS (`tls_client_auth`);
 * - the CLI (`node bin/oauth-probe.js run --json`), HTTP and HTTPS;
 * - curl, the reference: `time_starttransfer − time_appconnect` (`− time_connect` over HTTP);
 * - bare `node:http(s)` (./bare-first-run-child.ts), the floor of any Node client: the same request and
 *   the same phase events without the engine. Its distance to curl is Node's own, not ours.
 *
 * Also compared with curl: the connect + TLS time of the same first connection, which must carry none of
 * our own CPU either.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Exchange, ProbeResult } from '../functions/engine/index.js';
import { bundleEntry } from '../test/runtime/bundle.js';
import type { Figure } from './figure.js';
import { readBenchPki } from './pki.js';
import { FRESH_VARIANTS, holdProbe, SECRET_ID, type Variant, variantLabel } from './probes.js';
import type { HoldServers } from './servers.js';
import { median, p95, round } from './stats.js';
import { workPath } from './work-dir.js';

const run = promisify(execFile);
const TOKEN_HOLD_MS = 40;
const CLI_VARIANTS = ['http', 'https'] as const satisfies readonly Variant[];
const CLI = fileURLToPath(new URL('../bin/oauth-probe.js', import.meta.url));

/** First-exchange samples of one client and variant: error of first byte, and connect + TLS time. */
interface Samples {
  firstByteError: number[];
  connectAndTls: number[];
}

interface Pending {
  client: 'bundle' | 'cli' | 'curl' | 'bare';
  variant: Variant;
  path: string;
  firstByteMs: number;
  connectAndTlsMs: number;
}

export async function measureFreshProcesses(
  servers: HoldServers,
  rounds: number,
): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const child = await bundleEntry(fileURLToPath(new URL('./first-run-child.ts', import.meta.url)), {
    outfile: workPath('first-run', 'index.mjs'),
  });
  const bare = await bundleEntry(fileURLToPath(new URL('./bare-first-run-child.ts', import.meta.url)), {
    outfile: workPath('first-run', 'bare.mjs'),
  });
  const pki = await readBenchPki();
  const secretsFile = workPath('first-run', 'secrets.json');
  await writeFile(
    secretsFile,
    JSON.stringify({ [SECRET_ID]: { client_id: 'bench-client', client_secret: 'bench-client-secret' } }),
  );
  const pending: Pending[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const variant of FRESH_VARIANTS) {
      pending.push(await bundleSample(servers, child.outfile, variant, `fb${round}`));
      pending.push(await curlSample(servers, pki, variant, `fc${round}`));
      pending.push(await bareSample(servers, pki, bare.outfile, variant, `fn${round}`));
      if ((CLI_VARIANTS as readonly Variant[]).includes(variant)) {
        pending.push(await cliSample(servers, secretsFile, variant, `fl${round}`));
      }
    }
  }
  const held = await servers.drain();
  const samples = new Map<string, Samples>();
  for (const p of pending) {
    const heldMs = held.get(p.path);
    if (heldMs === undefined) throw new Error(`no server-side record for ${p.path}`);
    const key = `${p.client}:${p.variant}`;
    const s = samples.get(key) ?? { firstByteError: [], connectAndTls: [] };
    s.firstByteError.push(p.firstByteMs - heldMs);
    s.connectAndTls.push(p.connectAndTlsMs);
    samples.set(key, s);
  }
  return { figures: figuresOf(samples), details: detailsOf(samples, rounds) };
}

function figuresOf(samples: Map<string, Samples>): Figure[] {
  const figures: Figure[] = [];
  for (const variant of FRESH_VARIANTS) {
    const curl = samples.get(`curl:${variant}`)!;
    const curlMedian = median(curl.firstByteError);
    const curlConnect = median(curl.connectAndTls);
    const label = variantLabel(variant);
    figures.push({
      key: `fresh.curl.${variant}.median`,
      label: `curl, fresh process: first byte − server hold, ${label}, median`,
      target: 'report',
      measured: round(curlMedian),
      unit: 'ms',
      pass: null,
    });
    const bare = samples.get(`bare:${variant}`)!;
    const bareMedian = median(bare.firstByteError);
    const bareName = `bare node:${variant === 'http' ? 'http' : 'https'}, fresh process`;
    figures.push(
      {
        key: `fresh.bare.${variant}.median`,
        label: `${bareName}: first byte − server hold, ${label}, median`,
        target: 'report',
        measured: round(bareMedian),
        unit: 'ms',
        pass: null,
      },
      {
        key: `fresh.bare.${variant}.vsCurl`,
        label: `${bareName}: first-byte error − curl's (Node's floor), ${label}, median`,
        target: 'report',
        measured: round(bareMedian - curlMedian),
        unit: 'ms',
        pass: null,
      },
      {
        key: `fresh.bare.${variant}.connectTlsVsCurl`,
        label: `${bareName}: connect + TLS − curl's (Node's floor), ${label}, median`,
        target: 'report',
        measured: round(median(bare.connectAndTls) - curlConnect),
        unit: 'ms',
        pass: null,
      },
    );
    const clients = [
      ['bundle', 'Lambda bundle'] as const,
      ...(samples.has(`cli:${variant}`) ? [['cli', 'CLI'] as const] : []),
    ];
    for (const [client, name] of clients) {
      const s = samples.get(`${client}:${variant}`)!;
      const m = median(s.firstByteError);
      const p = p95(s.firstByteError);
      const connectExcess = median(s.connectAndTls) - curlConnect;
      figures.push(
        {
          key: `fresh.${client}.${variant}.median`,
          label: `${name}, fresh process: first byte − server hold, ${label}, median`,
          target: '≤ 2 ms',
          measured: round(m),
          unit: 'ms',
          pass: m <= 2,
        },
        {
          key: `fresh.${client}.${variant}.p95`,
          label: `${name}, fresh process: first byte − server hold, ${label}, p95`,
          target: '≤ 5 ms',
          measured: round(p),
          unit: 'ms',
          pass: p <= 5,
        },
        {
          key: `fresh.${client}.${variant}.vsCurl`,
          label: `${name}, fresh process: first-byte error − curl's, ${label}, median`,
          target: '≤ 1 ms',
          measured: round(m - curlMedian),
          unit: 'ms',
          pass: m - curlMedian <= 1,
        },
        {
          key: `fresh.${client}.${variant}.connectTlsVsCurl`,
          label: `${name}, fresh process: connect + TLS − curl's, ${label}, median`,
          target: '≤ 1 ms',
          measured: round(connectExcess),
          unit: 'ms',
          pass: connectExcess <= 1,
        },
      );
    }
  }
  return figures;
}

function detailsOf(samples: Map<string, Samples>, rounds: number): Record<string, unknown> {
  const details: Record<string, unknown> = { rounds, tokenHoldMs: TOKEN_HOLD_MS };
  for (const [key, s] of samples) {
    details[key] = {
      firstByteErrorMs: { median: round(median(s.firstByteError)), p95: round(p95(s.firstByteError)) },
      connectAndTlsMs: { median: round(median(s.connectAndTls)), p95: round(p95(s.connectAndTls)) },
    };
  }
  return details;
}

const plan = (variant: Variant) => ({ variant, tokenHoldMs: TOKEN_HOLD_MS, stepHoldMs: [] });

function fromExchange(client: Pending['client'], variant: Variant, token: Exchange | undefined): Pending {
  if (token?.status !== 200 || token.timings.firstByteMs === undefined) {
    throw new Error(`fresh ${client} ${variant}: no timed token exchange (${JSON.stringify(token)})`);
  }
  const t = token.timings;
  return {
    client,
    variant,
    path: new URL(token.url).pathname,
    firstByteMs: t.firstByteMs!,
    connectAndTlsMs: (t.dnsMs ?? 0) + (t.connectMs ?? 0) + (t.tlsMs ?? 0),
  };
}

async function bundleSample(servers: HoldServers, bundle: string, variant: Variant, tag: string): Promise<Pending> {
  const probeFile = workPath('first-run', 'probe.json');
  await writeFile(probeFile, JSON.stringify(holdProbe(servers, plan(variant), `${tag}${variant}`)));
  // The child inherits NODE_EXTRA_CA_CERTS, so HTTPS is trusted through the store.
  const { stdout } = await run(process.execPath, [bundle, probeFile]);
  const token = (JSON.parse(stdout) as Exchange[]).find((e) => e.name === 'token');
  return fromExchange('bundle', variant, token);
}

async function cliSample(servers: HoldServers, secretsFile: string, variant: Variant, tag: string): Promise<Pending> {
  const configFile = workPath('first-run', 'cli-probes.json');
  const name = `bench-${tag}${variant}`.replace(/[^A-Za-z0-9-]/g, '');
  const protocol = variant === 'http' ? 'http' : 'https';
  await writeFile(
    configFile,
    JSON.stringify({
      probes: [
        {
          name,
          tokenUrl: servers.url(protocol, TOKEN_HOLD_MS, 'token', name),
          credentials: { secretId: SECRET_ID },
          scope: 'bench:read',
        },
      ],
    }),
  );
  const { stdout } = await run(process.execPath, [
    CLI,
    'run',
    '--json',
    '--config',
    configFile,
    '--secrets',
    secretsFile,
  ]);
  const [result] = JSON.parse(stdout) as ProbeResult[];
  return fromExchange(
    'cli',
    variant,
    result?.exchanges.find((e) => e.name === 'token'),
  );
}

async function bareSample(
  servers: HoldServers,
  pki: Awaited<ReturnType<typeof readBenchPki>>,
  bundle: string,
  variant: Variant,
  tag: string,
): Promise<Pending> {
  const protocol = variant === 'http' ? 'http' : variant === 'mtls' ? 'mtls' : 'https';
  const url = servers.url(protocol, TOKEN_HOLD_MS, 'token', `${tag}${variant}`.replace(/[^A-Za-z0-9-]/g, ''));
  // Over `https` the CA is in the inherited NODE_EXTRA_CA_CERTS store, as for the other clients.
  const ca = variant === 'https+tls.ca' ? pki.caPath : '';
  const mtls = variant === 'mtls' ? [pki.clientCertPath, pki.clientKeyPath] : [];
  const { stdout } = await run(process.execPath, [bundle, url, ca, ...mtls]);
  const { status, connectAndTlsMs, firstByteMs } = JSON.parse(stdout) as {
    status: number;
    connectAndTlsMs: number;
    firstByteMs: number;
  };
  if (status !== 200) throw new Error(`bare node ${url}: HTTP ${status}`);
  return { client: 'bare', variant, path: new URL(url).pathname, firstByteMs, connectAndTlsMs };
}

async function curlSample(
  servers: HoldServers,
  pki: Awaited<ReturnType<typeof readBenchPki>>,
  variant: Variant,
  tag: string,
): Promise<Pending> {
  const protocol = variant === 'http' ? 'http' : variant === 'mtls' ? 'mtls' : 'https';
  const url = servers.url(protocol, TOKEN_HOLD_MS, 'token', `${tag}${variant}`.replace(/[^A-Za-z0-9-]/g, ''));
  const tls = variant === 'http' ? [] : ['--cacert', pki.caPath];
  const mtls = variant === 'mtls' ? ['--cert', pki.clientCertPath, '--key', pki.clientKeyPath] : [];
  const { stdout } = await run('curl', [
    '--silent',
    '--show-error',
    '--output',
    '/dev/null',
    '--write-out',
    '%{time_connect} %{time_appconnect} %{time_starttransfer} %{http_code}',
    '--user',
    'bench-client:bench-client-secret',
    '--data',
    'grant_type=client_credentials&scope=bench%3Aread',
    ...tls,
    ...mtls,
    url,
  ]);
  const [connect, appconnect, starttransfer, status] = stdout.trim().split(' ').map(Number) as [
    number,
    number,
    number,
    number,
  ];
  if (status !== 200) throw new Error(`curl ${url}: HTTP ${status}`);
  const ready = variant === 'http' ? connect : appconnect;
  return {
    client: 'curl',
    variant,
    path: new URL(url).pathname,
    firstByteMs: (starttransfer - ready) * 1000,
    connectAndTlsMs: ready * 1000,
  };
}
