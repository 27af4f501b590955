// Preloaded into the CLI process by test/tools/cli/aws-environment.test.ts: a warning emitted once the
// CLI runs, which must still reach stderr (only the AWS SDK's Node-version warning is turned off).
setTimeout(() => process.emitWarning('still shown', 'ExampleWarning'), 0);
