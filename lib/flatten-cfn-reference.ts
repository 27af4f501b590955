/**
 * `flattenCfnReference` from cdk-nag 3.0.2 (src/utils/flatten-cfn-reference.ts), copied because the
 * package root does not export it and importing `cdk-nag/lib/...` ties the build to a private path.
 * It must spell a resource exactly as cdk-nag does in its finding ids (`arn:<AWS::Partition>:...`): if
 * cdk-nag ever changes its spelling, the acknowledgements in lib/ stop matching and `cdk synth` fails on
 * the unacknowledged findings, so a divergence cannot pass unnoticed.
 *
 * Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved.
 * SPDX-License-Identifier: Apache-2.0 (https://github.com/cdklabs/cdk-nag/blob/main/LICENSE)
 */

/** Turns a CloudFormation reference object into a flat string for easy suppression. */
export function flattenCfnReference(reference: unknown): string {
  const visit = (node: unknown): string => {
    if (typeof node === 'undefined') return '';
    // Replace the template syntax that Fn::Sub uses with angle brackets for easier suppression.
    if (typeof node === 'string') return node.replace(/\${/g, '<').replace(/}/g, '>');
    const fn = node as Record<string, unknown>;
    if (fn['Fn::Join']) {
      const [delimiter, items] = fn['Fn::Join'] as [string, unknown[]];
      return items.map(visit).join(delimiter);
    }
    if (fn['Fn::Sub']) return visit(fn['Fn::Sub']);
    if (fn['Fn::GetAtt']) {
      const [resource, attribute] = fn['Fn::GetAtt'] as [unknown, unknown];
      return `<${visit(resource)}.${visit(attribute)}>`;
    }
    if (fn['Fn::ImportValue']) return visit(fn['Fn::ImportValue']);
    if (fn.Ref) return `<${visit(fn.Ref)}>`;
    return JSON.stringify(node);
  };
  return visit(reference);
}
