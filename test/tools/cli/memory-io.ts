/** An in-process `Io` for calling `main()` directly (the AWS-backed commands, whose SDK calls are mocked). */
import type { Io } from '../../../tools/cli/io.js';

export interface MemoryIo extends Io {
  out(): string;
  err(): string;
}

export function memoryIo(cwd: string, env: Record<string, string> = {}): MemoryIo {
  let stdout = '';
  let stderr = '';
  return {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { NO_COLOR: '1', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', ...env },
    cwd,
    out: () => stdout,
    err: () => stderr,
  };
}
