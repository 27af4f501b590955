/** The local authorization server, protected API and test PKI (see ./types.ts and docs/local-servers.md). */
export {
  DEFAULT_ACCESS_TOKEN_TTL_SEC,
  DEFAULT_SCOPES,
  DEFAULT_SIGNING_ALG,
  DISCOVERY_PATH,
  JWKS_PATH,
  startAuthorizationServer,
  TOKEN_PATH,
} from './authorization-server.js';
export {
  type CertificateAndKey,
  createCertificateAuthority,
  createClientCert,
  createExpiredServerCert,
  createIntermediateCertificateAuthority,
  createServerCert,
  createTestPki,
  type TestPki,
  type TestPkiOptions,
} from './certificates.js';
export { type ClientKey, type ClientKeyAlgorithm, generateClientKey } from './client-keys.js';
export {
  LOCAL_AUDIENCE,
  LOCAL_CLIENTS,
  type LocalEnvironment,
  type LocalEnvironmentOptions,
  startLocalEnvironment,
} from './environment.js';
export {
  describeFault,
  type FaultDescription,
  PLAYGROUND_FAULT_NAMES,
  PLAYGROUND_FAULTS,
  type PlaygroundFaultName,
} from './fault-catalogue.js';
export { injectPlaygroundFaults } from './faults.js';
export { REALM, startResourceServer } from './resource-server.js';
export type * from './types.js';
