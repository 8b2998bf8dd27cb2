// Types for benchTable.mjs, so its unit test is type-checked. The figure shape is bench/util.ts's.
import type { Figure } from '../bench/util';

export interface SuiteResults {
  suite: string;
  takenAt: string;
  quick: boolean;
  figures: Figure[];
  error?: string;
  machine?: { cpus: number; loadAverage?: { start: number; end: number } };
}

export const PROMISED: Record<string, string>;
export function ratio(figure: Figure): string;
export function goalCell(figure: Figure): string;
export function renderTable(results: SuiteResults[], options: { suites: string[]; quick: boolean }): string;
