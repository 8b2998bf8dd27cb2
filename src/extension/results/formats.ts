// What the results panel writes and reads back, as plain text and objects (no vscode import, so
// unit-tested in plain Node): the CSV and JSON exports, and a stored run turned into an overlay.
import type { MemoryResults } from '../../cluster/memoryResults';
import { CURVES, type OverlayRun, type ResultsSubject, type SampleBatch } from '../../webview/protocol';

/** One row per sample and container: ISO time, container, then the curves in bytes (empty for a gap). */
export function samplesCsv(results: Pick<MemoryResults, 'allSamples'>): string {
  const rows = [['time', 'epoch_ms', 'container', ...CURVES.map((c) => `${c}_bytes`)].join(',')];
  for (const b of results.allSamples()) {
    b.times.forEach((t, i) => {
      const values = CURVES.map((c) => {
        const v = b.values[c][i] as number;
        return Number.isFinite(v) ? String(v) : '';
      });
      rows.push([new Date(t).toISOString(), String(t), b.container, ...values].join(','));
    });
  }
  return rows.join('\n') + '\n';
}

export function resultsJson(subject: ResultsSubject, results: Pick<MemoryResults, 'containers' | 'allSamples' | 'timelineEvents' | 'statusView'>): string {
  return JSON.stringify(
    {
      subject,
      exportedAt: new Date().toISOString(),
      containers: results.containers(),
      samples: results.allSamples(),
      events: results.timelineEvents(),
      status: results.statusView(),
    },
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    2,
  );
}

/** A stored run as an overlay: its first container's working set, times relative to its first sample. */
export function toOverlay(run: { title: string; savedAt: number; samples: readonly SampleBatch[] }): OverlayRun {
  const first = run.samples.find((b) => b.times.length > 0);
  const start = first?.times[0] ?? 0;
  return {
    label: `${run.title} (${new Date(run.savedAt).toLocaleString()})`,
    offsets: (first?.times ?? []).map((t) => t - start),
    workingSet: [...(first?.values.workingSet ?? [])],
  };
}
