// Export of a panel's data: CSV and JSON of every sample and event, PNG of the chart (drawn by the
// webview, saved here). Files are written where the user picks, through workspace.fs.
import * as vscode from 'vscode';
import type { MemoryResults } from '../../cluster/memoryResults';
import { CURVES, type ResultsSubject } from '../../webview/protocol';

/** One row per sample and container: ISO time, container, then the curves in bytes (empty for a gap). */
export function samplesCsv(results: MemoryResults): string {
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

export function resultsJson(subject: ResultsSubject, results: MemoryResults): string {
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

export async function exportResults(format: 'csv' | 'json' | 'png', subject: ResultsSubject, results: MemoryResults, dataUrl: string | undefined, log: vscode.LogOutputChannel): Promise<void> {
  const base = subject.kind === 'experiment' ? subject.name : subject.pod;
  const target = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(`${base}-memory.${format}`),
    filters: { [format.toUpperCase()]: [format] },
    title: vscode.l10n.t('Export memory results'),
  });
  if (!target) return;
  let bytes: Uint8Array;
  if (format === 'png') {
    const m = /^data:image\/png;base64,(.+)$/.exec(dataUrl ?? '');
    if (!m) {
      void vscode.window.showErrorMessage(vscode.l10n.t('The chart could not be captured.'));
      return;
    }
    bytes = Buffer.from(m[1] as string, 'base64');
  } else {
    bytes = Buffer.from(format === 'csv' ? samplesCsv(results) : resultsJson(subject, results), 'utf8');
  }
  await vscode.workspace.fs.writeFile(target, bytes);
  log.info(`exported ${format} to ${target.fsPath}`);
}
