// Past runs, kept in the workspace's storage (or the global one without a workspace), so a past
// experiment can be overlaid on the current one. Bounded: at most MAX_RUNS files, the oldest
// dropped first. Only samples are stored (no kubeconfig, no credentials).
import * as vscode from 'vscode';
import type { OverlayRun, SampleBatch } from '../../webview/protocol';
import { toOverlay } from './formats';

export const MAX_RUNS = 20;

interface StoredRun {
  readonly id: string;
  readonly subject: string;
  readonly title: string;
  readonly savedAt: number;
  readonly samples: readonly SampleBatch[];
}

export class RunStore {
  /** The run file this window writes for each subject (one file per panel session). */
  private readonly current = new Map<string, string>();

  constructor(private readonly folder: vscode.Uri) {}

  async save(subject: string, title: string, samples: readonly SampleBatch[]): Promise<void> {
    const id = this.current.get(subject) ?? `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    this.current.set(subject, id);
    await vscode.workspace.fs.createDirectory(this.folder);
    const run: StoredRun = { id, subject, title, savedAt: Date.now(), samples };
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(this.folder, `${id}.json`), Buffer.from(JSON.stringify(run)));
    await this.prune();
  }

  /**
   * The newest stored run of `subject`, to continue after a window reload; this window then keeps
   * writing to that same run.
   */
  async latest(subject: string): Promise<readonly SampleBatch[] | undefined> {
    const run = (await this.list()).find((r) => r.subject === subject);
    if (run === undefined) return undefined;
    this.current.set(subject, run.id);
    return run.samples;
  }

  async list(): Promise<StoredRun[]> {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(this.folder);
    } catch {
      return [];
    }
    const runs: StoredRun[] = [];
    for (const [name] of entries.filter(([n]) => n.endsWith('.json'))) {
      try {
        runs.push(JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.folder, name))).toString('utf8')) as StoredRun);
      } catch {
        // a half-written or foreign file: skipped
      }
    }
    return runs.sort((a, b) => b.savedAt - a.savedAt);
  }

  /** Asks which past run to overlay; its first container's working set, times relative to its start. */
  async pick(currentSubject: string): Promise<OverlayRun | undefined> {
    const currentId = this.current.get(currentSubject);
    const runs = (await this.list()).filter((r) => r.id !== currentId);
    if (runs.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No past run is stored yet: runs are kept when a results panel closes.'));
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.title, description: new Date(r.savedAt).toLocaleString(), run: r })),
      { title: vscode.l10n.t('Overlay a past run') },
    );
    if (!picked) return undefined;
    return toOverlay(picked.run);
  }

  private async prune(): Promise<void> {
    const runs = await this.list();
    for (const r of runs.slice(MAX_RUNS)) await vscode.workspace.fs.delete(vscode.Uri.joinPath(this.folder, `${r.id}.json`));
  }
}
