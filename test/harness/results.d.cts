// Types for results.cjs, so TypeScript tests use it type-checked.
export interface Failure {
  readonly title: string;
  readonly error: string;
}
export interface SuiteResults {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly failures: readonly Failure[];
  readonly skippedTests: readonly string[];
  readonly note?: string;
}
export interface SuiteRun {
  readonly name: string;
  readonly results: Partial<SuiteResults>;
  /** The suite command's exit code, or the signal that ended it. */
  readonly status: number | string | null;
  readonly seconds: number;
}
export function writeResults(results: SuiteResults, file?: string): void;
export function testFiles(suiteDir: string): string[];
export function didNotRun(suiteDir: string, reason: string): SuiteResults;
export function summarize(runs: readonly SuiteRun[]): { passed: number; failed: number; skipped: number; lines: string[] };
