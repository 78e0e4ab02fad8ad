// Data to stdout, everything else to stderr. `--json` turns stdout into a machine contract.
import type { Deps } from '../deps.js';
import { createColors, wantsColor, type ChalkClass, type Colors } from './colors.js';
import { safeJson } from '../core/terminal-text.js';

export interface OutputOptions {
  json: boolean;
  color: boolean;
}

export class Output {
  /** Colours for stdout (data). */
  readonly colors: Colors;
  /** Colours for stderr, decided separately: stdout may be piped while stderr is a terminal. */
  readonly errColors: Colors;
  readonly json: boolean;
  private readonly stdout: Deps['stdout'];
  private readonly stderr: Deps['stderr'];

  constructor(deps: Pick<Deps, 'stdout' | 'stderr' | 'env'>, options: OutputOptions, Chalk: ChalkClass | undefined) {
    this.stdout = deps.stdout;
    this.stderr = deps.stderr;
    this.json = options.json;
    this.colors = createColors(!options.json && wantsColor(deps.stdout, deps.env, !options.color), Chalk);
    this.errColors = createColors(wantsColor(deps.stderr, deps.env, !options.color), Chalk);
  }

  /** A line of result data on stdout. */
  data(line: string): void {
    this.stdout.write(`${line}\n`);
  }

  /** One JSON document (or one NDJSON event) on stdout. */
  jsonLine(value: unknown): void {
    this.stdout.write(`${safeJson(value)}\n`);
  }

  info(line: string): void {
    this.err(`${line}\n`);
  }

  success(line: string): void {
    this.err(`${this.errColors.green('✔')} ${line}\n`);
  }

  warn(line: string): void {
    this.err(`${this.errColors.yellow('warning:')} ${line}\n`);
  }

  /** A running spinner's line is cleared first, so messages never land on it (it redraws itself). */
  private err(text: string): void {
    this.stderr.write(this.spinning > 0 ? `\r\x1b[2K${text}` : text);
  }

  private spinning = 0;

  /** True when stderr is a terminal a person watches (spinners, progress). */
  get interactiveStderr(): boolean {
    return Boolean(this.stderr.isTTY) && !this.json;
  }

  /** Shows a spinner on a TTY stderr while `work` runs; silent otherwise. */
  async spin<T>(label: string, work: Promise<T>): Promise<T> {
    if (!this.interactiveStderr) return work;
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    let i = 0;
    const draw = () => this.stderr.write(`\r${this.errColors.cyan(frames[i++ % frames.length])} ${label}`);
    this.spinning++;
    draw();
    const timer = setInterval(draw, 80);
    try {
      return await work;
    } finally {
      clearInterval(timer);
      this.spinning--;
      this.stderr.write('\r\x1b[2K');
    }
  }
}
