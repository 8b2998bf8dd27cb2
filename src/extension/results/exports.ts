// Export of a panel's data: CSV and JSON of every sample and event, PNG of the chart (drawn by the
// webview, saved here). Files are written where the user picks, through workspace.fs.
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { MemoryResults } from '../../cluster/memoryResults';
import type { ResultsSubject } from '../../webview/protocol';
import { resultsJson, samplesCsv } from './formats';

export async function exportResults(format: 'csv' | 'json' | 'png', subject: ResultsSubject, results: MemoryResults, dataUrl: string | undefined, log: vscode.LogOutputChannel): Promise<void> {
  const base = subject.kind === 'experiment' ? subject.name : subject.pod;
  const target = await vscode.window.showSaveDialog({
    // In the first workspace folder, else the home folder (a bare file name would land in `/`).
    defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir()), `${base}-memory.${format}`),
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
