// Every reliability file ends with one line a human (or CI log search) reads first:
// `[reliability:<name>] tried N, failed M (mode, details)`.

export const short = process.env.RELIABILITY_SHORT === "1";

export class Tally {
  tried = 0;
  failed = 0;
  readonly failures: string[] = [];
  readonly details: string[] = [];

  constructor(readonly name: string) {}

  /** Counts one check; keeps the first failures' messages for the summary. */
  check(ok: boolean, label: string) {
    this.tried++;
    if (!ok) {
      this.failed++;
      if (this.failures.length < 20) this.failures.push(label);
    }
    return ok;
  }

  note(detail: string) {
    this.details.push(detail);
  }

  print() {
    const extra = [short ? "short mode" : "full mode", ...this.details].join("; ");
    const line = `[reliability:${this.name}] tried ${this.tried}, failed ${this.failed} (${extra})`;
    // process.stdout directly: vitest intercepts console output per test, this must reach the log as is.
    process.stdout.write(`\n${line}\n${this.failures.map((f) => `  failed: ${f}\n`).join("")}`);
    return line;
  }
}
