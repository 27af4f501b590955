/**
 * V8 settings of the probe function, applied when the handler module loads.
 *
 * undici parses HTTP with a WebAssembly build of llhttp, and V8 tiers hot WebAssembly up to TurboFan:
 * about 35 MiB of peak memory per container for a parser that reads a handful of responses per run
 * (`npm run bench`, figure 4). Liftoff, V8's baseline WebAssembly compiler, alone keeps the process
 * some 30 MiB smaller at no cost that a probe's few responses can measure. Node refuses this flag in
 * NODE_OPTIONS, so it is set here; undici compiles its parser lazily, on the first connection, which
 * comes after this module ran. Only the Lambda entry imports this: the CLI and the tests keep V8's defaults.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
