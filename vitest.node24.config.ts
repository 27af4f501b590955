import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * What `npm run test:node24` runs again under Node 24 (the Lambda runtime, nodejs24.x), after `npm test`
 * ran the whole suite under Node 20: the tests of the code whose behaviour depends on the Node version,
 * i.e. what runs in Lambda or speaks TLS, HTTP and crypto through Node's own modules. The rest (config
 * schema, CDK synth, CLI formatting, docs, alarm evaluator) is plain TypeScript over zod, aws-cdk-lib and
 * esbuild, whose behaviour does not change with the Node release; running it twice doubled CI time
 * (issue 27) and found nothing the first run had not.
 */
export const NODE24_TESTS = [
  // The engine: undici (HTTP/1.1, proxies, mTLS), node:tls (certificate chains, days left), node:crypto
  // and jose (JWT signatures, private_key_jwt, DPoP), AbortSignal deadlines.
  'test/engine/**/*.test.ts',
  // The Lambda handlers: the AWS SDK clients and their deadlines, fetch to the chat and paging vendors,
  // the bundles loaded by a Node 24 child process (bundle-smoke), secret drift and metrics.
  'test/runtime/**/*.test.ts',
  // The rotation test function, and the secrets it parses (PEM keys and certificates, node:crypto).
  'test/rotation/**/*.test.ts',
  'test/secrets/**/*.test.ts',
  // Hostile servers and inputs: TLS chains, V8's JSON syntax errors (line and column), X509 parsing.
  'test/hostile/**/*.test.ts',
  // The local authorization and resource servers the tests above run against (node:tls, node:crypto).
  'test/tools/local-servers/**/*.test.ts',
];

// No globalSetup: none of these tests runs the compiled dist/ (they import the sources or bundle their
// own), so the Node 24 pass does not rebuild dist/ and can run beside the pack check, which does.
const { projects: _wholeSuite, globalSetup: _buildDist, ...shared } = base.test ?? {};

export default defineConfig({
  test: { ...shared, name: 'node24', include: NODE24_TESTS },
});
