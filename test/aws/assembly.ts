/**
 * Reads a synthesized cloud assembly the way the local AWS tier needs it: per region stack, its
 * resources with those of its nested stacks merged in (nested parameters replaced by what the parent
 * passes), and CloudFormation's intrinsic functions resolved against moto's account, so that a Lambda
 * function's environment, a schedule's target and a subscription's topic read as they would once
 * deployed. Physical names the template leaves to CloudFormation get stable made-up ones.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { withParameters } from '../cdk/nested-parameters.js';

/** moto's default account. */
export const ACCOUNT = '123456789012';

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface RegionStack {
  name: string;
  region: string;
  /** Parent resources by logical id; nested ones as `<nested stack id>/<logical id>`. */
  resources: Record<string, Resource>;
}

export interface DeployedFunction {
  region: string;
  logicalId: string;
  /** The construct the function belongs to, e.g. ProbeFunction, NotifierFunction. */
  construct: string;
  name: string;
  arn: string;
  /** The asset folder CDK bundled the code into (the same files Lambda runs). */
  codeDir: string;
  /** `index.handler` → index.mjs and its export `handler`. */
  handler: string;
  environment: Record<string, string>;
  /** The asset folders of the function's layers, in order: what Lambda extracts into /opt. */
  layerDirs: string[];
}

export interface DeployedSchedule {
  region: string;
  logicalId: string;
  /** ARN of the function the schedule invokes. */
  targetArn: string;
  /** The schedule's own input, as EventBridge Scheduler sends it (before context attribute substitution). */
  input: string;
}

export interface DeployedSubscription {
  region: string;
  logicalId: string;
  topicArn: string;
  protocol: string;
  endpoint: string;
  filterPolicy?: Record<string, unknown[]>;
}

export class Deployment {
  readonly stacks: RegionStack[];

  constructor(readonly directory: string) {
    const assembly = new CloudAssembly(directory);
    this.stacks = assembly.stacks.map((stack) => ({
      name: stack.stackName,
      region: stack.environment.region,
      resources: mergedResources(directory, stack.templateFile),
    }));
  }

  stack(region: string): RegionStack {
    const stack = this.stacks.find((s) => s.region === region);
    if (!stack) throw new Error(`no stack for ${region} (stacks: ${this.stacks.map((s) => s.region).join(', ')})`);
    return stack;
  }

  /** Every resource of a type in a region, as [logicalId, resource]. */
  resources(region: string, type: string): [string, Resource][] {
    return Object.entries(this.stack(region).resources).filter(([, r]) => r.Type === type);
  }

  resolve(region: string, value: unknown): unknown {
    return resolveIntrinsics(value, this.stack(region));
  }

  functions(region: string): DeployedFunction[] {
    const stack = this.stack(region);
    return this.resources(region, 'AWS::Lambda::Function').flatMap(([logicalId, resource]) => {
      const path = String(resource.Metadata?.['aws:cdk:path'] ?? '');
      const assetPath = resource.Metadata?.['aws:asset:path'];
      // Inline code (a user's stand-in function) has no asset: nothing of ours to run.
      if (typeof assetPath !== 'string') return [];
      const props = resource.Properties ?? {};
      const variables = ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
        {}) as Record<string, unknown>;
      return [
        {
          region,
          logicalId,
          construct: path.split('/').at(-2) ?? logicalId,
          name: physicalId(stack, logicalId),
          arn: getAtt(stack, logicalId, 'Arn'),
          codeDir: join(this.directory, assetPath),
          handler: String(props.Handler),
          environment: Object.fromEntries(
            Object.entries(variables).map(([k, v]) => [k, String(resolveIntrinsics(v, stack))]),
          ),
          layerDirs: ((props.Layers ?? []) as unknown[]).map((layer) => this.layerDir(region, layer)),
        },
      ];
    });
  }

  /** The asset folder of a layer the template refers to ({ Ref: <LayerVersion> }, maybe inside a nested stack). */
  private layerDir(region: string, reference: unknown): string {
    const ref = (reference as { Ref?: unknown }).Ref;
    const layer = typeof ref === 'string' ? this.stack(region).resources[ref] : undefined;
    const assetPath = layer?.Metadata?.['aws:asset:path'];
    if (layer?.Type !== 'AWS::Lambda::LayerVersion' || typeof assetPath !== 'string') {
      throw new Error(
        `${region}: a function's layer ${JSON.stringify(reference)} is not a layer asset of the assembly`,
      );
    }
    return join(this.directory, assetPath);
  }

  /** The function of a construct (ProbeFunction, NotifierFunction, ...) in a region. */
  function(region: string, construct: string): DeployedFunction {
    const found = this.functions(region).find((f) => f.construct === construct);
    if (!found) throw new Error(`no ${construct} in ${region}`);
    return found;
  }

  schedules(region: string): DeployedSchedule[] {
    return this.resources(region, 'AWS::Scheduler::Schedule').map(([logicalId, resource]) => {
      const target = (resource.Properties?.Target ?? {}) as { Arn?: unknown; Input?: unknown };
      return {
        region,
        logicalId,
        targetArn: String(this.resolve(region, target.Arn)),
        input: String(this.resolve(region, target.Input)),
      };
    });
  }

  subscriptions(region: string): DeployedSubscription[] {
    return this.resources(region, 'AWS::SNS::Subscription').map(([logicalId, resource]) => {
      const props = this.resolve(region, resource.Properties) as Record<string, unknown>;
      return {
        region,
        logicalId,
        topicArn: String(props.TopicArn),
        protocol: String(props.Protocol),
        endpoint: String(props.Endpoint),
        ...(props.FilterPolicy ? { filterPolicy: props.FilterPolicy as Record<string, unknown[]> } : {}),
      };
    });
  }

  /** Topic names of a region by logical id (what to create in moto). */
  topicNames(region: string): Map<string, string> {
    const stack = this.stack(region);
    return new Map(this.resources(region, 'AWS::SNS::Topic').map(([id]) => [id, physicalId(stack, id)]));
  }
}

/** A stack's resources with those of its nested stacks, recursively, under `<nested id>/`. */
function mergedResources(directory: string, templateFile: string): Record<string, Resource> {
  const template = JSON.parse(readFileSync(join(directory, templateFile), 'utf8')) as {
    Resources?: Record<string, Resource>;
  };
  const resources: Record<string, Resource> = { ...template.Resources };
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const file = resource.Metadata?.['aws:asset:path'];
    if (typeof file !== 'string' || !existsSync(join(directory, file))) {
      throw new Error(`${templateFile}: nested stack ${id} has no template in the assembly`);
    }
    const parameters = (resource.Properties?.Parameters ?? {}) as Record<string, unknown>;
    const substitute = (value: unknown): unknown => withParameters(value, parameters);
    const inner = mergedResources(directory, file);
    const own = new Set(Object.keys(inner));
    for (const [nestedId, nested] of Object.entries(inner)) {
      // A nested stack's own references point inside it: prefix them as its resources are, then put in
      // what the parent passes for its parameters (those are in the parent's terms).
      resources[`${id}/${nestedId}`] = substitute(prefixRefs(nested, id, own)) as Resource;
    }
  }
  return resources;
}

/** Rewrites Ref/GetAtt of a nested stack's own resources to their merged ids. */
function prefixRefs<T>(value: T, prefix: string, own: Set<string>): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.Ref === 'string' && own.has(o.Ref)) return { Ref: `${prefix}/${o.Ref}` };
      const att = o['Fn::GetAtt'];
      if (Array.isArray(att) && typeof att[0] === 'string' && own.has(att[0])) {
        return { 'Fn::GetAtt': [`${prefix}/${att[0]}`, att[1]] };
      }
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

const PSEUDO: Record<string, (stack: RegionStack) => string> = {
  'AWS::Region': (s) => s.region,
  'AWS::AccountId': () => ACCOUNT,
  'AWS::Partition': () => 'aws',
  'AWS::URLSuffix': () => 'amazonaws.com',
  'AWS::StackName': (s) => s.name,
  'AWS::NoValue': () => '',
};

/** The physical id a Ref of this resource returns once deployed (a made-up name where CloudFormation picks one). */
export function physicalId(stack: RegionStack, logicalId: string): string {
  const resource = stack.resources[logicalId];
  if (!resource) throw new Error(`${stack.name}: no resource ${logicalId}`);
  const props = resource.Properties ?? {};
  const named = (key: string) =>
    props[key] === undefined
      ? `${stack.name}-${logicalId.replaceAll('/', '-')}`
      : String(resolveIntrinsics(props[key], stack));
  switch (resource.Type) {
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${stack.region}:${ACCOUNT}:${named('TopicName')}`;
    case 'AWS::Logs::LogGroup':
      return named('LogGroupName');
    case 'AWS::Lambda::Function':
      return named('FunctionName');
    case 'AWS::SQS::Queue':
      return named('QueueName');
    case 'AWS::KMS::Key':
      return `${logicalId.replaceAll('/', '-')}-key-id`;
    default:
      return `${stack.name}-${logicalId.replaceAll('/', '-')}`;
  }
}

function getAtt(stack: RegionStack, logicalId: string, attribute: string): string {
  const resource = stack.resources[logicalId];
  if (!resource) throw new Error(`${stack.name}: Fn::GetAtt of unknown resource ${logicalId}`);
  const id = physicalId(stack, logicalId);
  const arn = (service: string, rest: string) => `arn:aws:${service}:${stack.region}:${ACCOUNT}:${rest}`;
  // A queue's name is its physical id's last part (the Ref of a queue is its URL in AWS; here the name).
  if (attribute === 'QueueName' && resource.Type === 'AWS::SQS::Queue') return id;
  if (attribute !== 'Arn' && attribute !== 'TopicArn') {
    throw new Error(`${stack.name}: Fn::GetAtt ${logicalId}.${attribute} is not resolved by test/aws/assembly.ts`);
  }
  switch (resource.Type) {
    case 'AWS::Lambda::Function':
      return arn('lambda', `function:${id}`);
    case 'AWS::SNS::Topic':
      return id;
    case 'AWS::Logs::LogGroup':
      return arn('logs', `log-group:${id}:*`);
    case 'AWS::KMS::Key':
      return arn('kms', `key/${id}`);
    case 'AWS::SQS::Queue':
      return arn('sqs', id);
    case 'AWS::IAM::Role':
      return `arn:aws:iam::${ACCOUNT}:role/${id}`;
    default:
      return arn(resource.Type.split('::')[1]!.toLowerCase(), id);
  }
}

/** Resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select and Fn::Split; anything else throws, naming it. */
export function resolveIntrinsics(value: unknown, stack: RegionStack): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveIntrinsics(v, stack));
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, arg] = entries[0]!;
    const ref = (name: string) => (PSEUDO[name] ? PSEUDO[name]!(stack) : physicalId(stack, name));
    switch (key) {
      case 'Ref':
        return ref(String(arg));
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        return getAtt(stack, String(id), String(attribute));
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return (resolveIntrinsics(parts, stack) as unknown[]).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        return (resolveIntrinsics(list, stack) as unknown[])[Number(resolveIntrinsics(index, stack))];
      }
      case 'Fn::Split': {
        const [separator, text] = arg as [string, unknown];
        return String(resolveIntrinsics(text, stack)).split(separator);
      }
      case 'Fn::Sub': {
        const [text, variables] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
        return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
          if (name in variables) return String(resolveIntrinsics(variables[name], stack));
          if (name.includes('.')) {
            const [id, attribute] = name.split('.');
            return getAtt(stack, id!, attribute!);
          }
          return ref(name);
        });
      }
      default:
        if (key.startsWith('Fn::')) throw new Error(`${stack.name}: ${key} is not resolved by test/aws/assembly.ts`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveIntrinsics(v, stack)]));
}
