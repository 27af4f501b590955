/**
 * The three SQS calls the local AWS tier makes (create a queue, read its ARN, receive its messages),
 * over SQS's JSON protocol against moto_server. Written here rather than taken from @aws-sdk/client-sqs:
 * adding that client moves @smithy/core, which the Lambda bundles ship, and a test-only queue reader
 * must not change what is deployed. moto does not check signatures; it reads the region from the
 * credential scope of the Authorization header, so that is all the header carries.
 */
export interface SqsMessage {
  MessageId: string;
  Body: string;
  ReceiptHandle: string;
}

async function call<T>(motoUrl: string, region: string, action: string, input: Record<string, unknown>): Promise<T> {
  const response = await fetch(motoUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AmazonSQS.${action}`,
      authorization: `AWS4-HMAC-SHA256 Credential=AKIDLOCALAWSTIER/20260101/${region}/sqs/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`SQS ${action} answered ${response.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export interface Queue {
  url: string;
  arn: string;
  /** Every message now in the queue (deleted as read, so the next call returns only newer ones). */
  drain(): Promise<SqsMessage[]>;
}

export async function createQueue(motoUrl: string, region: string, name: string): Promise<Queue> {
  const { QueueUrl } = await call<{ QueueUrl: string }>(motoUrl, region, 'CreateQueue', { QueueName: name });
  const { Attributes } = await call<{ Attributes: { QueueArn: string } }>(motoUrl, region, 'GetQueueAttributes', {
    QueueUrl,
    AttributeNames: ['QueueArn'],
  });
  return {
    url: QueueUrl,
    arn: Attributes.QueueArn,
    async drain() {
      const all: SqsMessage[] = [];
      for (;;) {
        const { Messages } = await call<{ Messages?: SqsMessage[] }>(motoUrl, region, 'ReceiveMessage', {
          QueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
        });
        if (!Messages?.length) return all;
        all.push(...Messages);
        for (const m of Messages) {
          await call(motoUrl, region, 'DeleteMessage', { QueueUrl, ReceiptHandle: m.ReceiptHandle });
        }
      }
    },
  };
}
