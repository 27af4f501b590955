/**
 * The deployment name (config `name`): what keeps two deployments in one account apart. Every stack
 * name, physical name and alarm name is built from it here, and the default name keeps the names
 * deployments had before the key existed (`OAuthProbe-<region>` stacks, the `OAuthProbe` dashboard and
 * namespace, `OAuthProbe-...` alarms), because operators and alert routing already know them.
 */

/** @default "oauth-probe" */
export const DEFAULT_DEPLOYMENT_NAME = 'oauth-probe';

/** Letters, digits and hyphens (valid in stack, topic, dashboard, alias and alarm names alike). */
export const DEPLOYMENT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9-]{0,31}$/;

/** The base of the default deployment's legacy names; no other deployment may take it. */
const LEGACY_BASE = 'OAuthProbe';

/**
 * Why a name cannot be used, or undefined. `OAuthProbe` (in any case) is the default deployment's own
 * stack and dashboard base: a deployment named so would take over the default deployment's stacks.
 */
export function deploymentNameProblem(name: string): string | undefined {
  if (!DEPLOYMENT_NAME_PATTERN.test(name)) {
    return 'use 1-32 letters, digits and "-", starting with a letter (it prefixes stack names and physical names)';
  }
  if (name.toLowerCase() === LEGACY_BASE.toLowerCase() && name !== DEFAULT_DEPLOYMENT_NAME) {
    return `"${name}" is the default deployment's stack and dashboard name: choose another name`;
  }
  if (name.endsWith('-')) return 'must not end with "-"';
  return undefined;
}

function isDefault(name: string | undefined): boolean {
  return name === undefined || name === DEFAULT_DEPLOYMENT_NAME;
}

/** Base of stack and dashboard names: `OAuthProbe` for the default deployment, else the name itself. */
export function deploymentBase(name: string | undefined): string {
  return isDefault(name) ? LEGACY_BASE : name!;
}

/**
 * Default CloudWatch namespace: `OAuthProbe` for the default deployment, `OAuthProbe/<name>` for any
 * other, so two deployments' metrics (same probe names included) never mix. A configured `namespace`
 * wins; two deployments given the same namespace share their metrics (and alarms then see each other's
 * runs), which `validate` cannot see across files.
 */
export function defaultNamespace(name: string | undefined): string {
  return isDefault(name) ? LEGACY_BASE : `${LEGACY_BASE}/${name}`;
}

/**
 * Prefix of every alarm name of a deployment: `OAuthProbe-` (default) or `<name>.`. The dot appears in
 * no probe name, region or alarm kind, so a named deployment's alarms can never collide with another
 * deployment's (`a` + probe `b-c` vs `a-b` + probe `c`), and the notifier parses the name back.
 */
export function alarmPrefix(name: string | undefined): string {
  return isDefault(name) ? `${LEGACY_BASE}-` : `${name}.`;
}

/** `OAuthProbe-eu-west-1` (default) or `<name>-eu-west-1`. */
export function deploymentStackName(name: string | undefined, region: string): string {
  return `${deploymentBase(name)}-${region}`;
}

/** `OAuthProbe` (default) or `<name>`; a dashboard part is appended: `OAuthProbe-OnCall`. */
export function deploymentDashboardName(name: string | undefined, part?: string): string {
  return part ? `${deploymentBase(name)}-${part}` : deploymentBase(name);
}

/** `<name>-notifications`, `<name>-alarms`: the default name keeps `oauth-probe-notifications`. */
export function deploymentResourceName(name: string | undefined, suffix: string): string {
  return `${name ?? DEFAULT_DEPLOYMENT_NAME}-${suffix}`;
}
