import { describe, expect, it } from 'vitest';
import { flattenCfnReference } from '../../lib/flatten-cfn-reference.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder, not a JS template.
const SUB = 'arn:${AWS::Partition}:s3:::b/*';

describe('flattenCfnReference (copied from cdk-nag)', () => {
  it('spells references as cdk-nag finding ids do', () => {
    expect(flattenCfnReference('plain')).toBe('plain');
    expect(flattenCfnReference({ Ref: 'Topic' })).toBe('<Topic>');
    expect(flattenCfnReference({ 'Fn::GetAtt': ['Fn', 'Arn'] })).toBe('<Fn.Arn>');
    expect(flattenCfnReference({ 'Fn::Sub': SUB })).toBe('arn:<AWS::Partition>:s3:::b/*');
    expect(
      flattenCfnReference({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { 'Fn::ImportValue': 'X' }]],
      }),
    ).toBe('arn:<AWS::Partition>:logs:X');
    expect(flattenCfnReference({ Other: 1 })).toBe('{"Other":1}');
  });
});
