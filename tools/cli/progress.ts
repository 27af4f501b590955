/**
 * A one-line progress indicator on stderr for runs that take a while (over 300 ms): only when stderr is a terminal,
 * redrawn in place, cleared before anything else is printed so that it never mixes with results.
 */
import { formatMs } from './format.js';
import type { OutStream } from './io.js';

/** A run shorter than this shows no progress line at all. */
const SHOW_AFTER_MS = 300;
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class Progress {
  #done = 0;
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;
  #shown = false;
  readonly #started = performance.now();

  constructor(
    private readonly stream: OutStream,
    private readonly total: number,
    private readonly label = 'probes',
  ) {}

  /** True when the stream is a terminal (progress is drawn only there). */
  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  start(): void {
    if (!this.enabled) return;
    this.#timer = setInterval(() => this.#draw(), 120);
    this.#timer.unref();
    this.#draw();
  }

  /** One more finished. */
  tick(): void {
    this.#done += 1;
    this.#draw();
  }

  /** Clears the line, runs `write` (which prints something), and draws the line again. */
  around(write: () => void): void {
    this.clear();
    write();
    this.#draw();
  }

  clear(): void {
    if (this.#shown) this.stream.write('\r\x1b[K');
    this.#shown = false;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.clear();
  }

  #draw(): void {
    // Quick runs finish before anyone could read a progress line: show it only for long ones.
    if (!this.enabled || !this.#timer || performance.now() - this.#started < SHOW_AFTER_MS) return;
    this.#frame = (this.#frame + 1) % FRAMES.length;
    const elapsed = formatMs(performance.now() - this.#started);
    this.stream.write(`\r\x1b[K${FRAMES[this.#frame]} ${this.#done}/${this.total} ${this.label} done · ${elapsed}`);
    this.#shown = true;
  }
}
