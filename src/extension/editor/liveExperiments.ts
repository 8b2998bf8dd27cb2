// The live StressChaos objects behind the open documents: one resumable watch per namespace that
// an open StressChaos document lands in, started when such a document opens and stopped when the
// last one closes. The CodeLens reads it synchronously and redraws when it fires.
import * as vscode from 'vscode';
import type { ObjectWatch } from '../../cluster/objectWatch';
import type { StressChaos } from '../../core';
import type { DocumentAnalyses } from './analysis';
import type { LiveClusterHolder } from './liveCluster';

export class LiveExperiments implements vscode.Disposable {
  private readonly watches = new Map<string, ObjectWatch<StressChaos>>();
  /** Objects each watch last held, to notice one that disappears. */
  private readonly seen = new Map<string, Set<string>>();
  /** `namespace/name` → when it disappeared from the cluster by another hand (kubectl delete, another tool). */
  private readonly deleted = new Map<string, number>();
  /** Being deleted by this editor (its Delete lens, Apply's recreate): not reported as deleted from outside. */
  private readonly deletingByUs = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private session: { readonly context: string } | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly cluster: LiveClusterHolder,
    private readonly analyses: DocumentAnalyses,
    private readonly log?: vscode.LogOutputChannel,
  ) {
    const refresh = () => this.schedule();
    this.subscriptions.push(vscode.workspace.onDidOpenTextDocument(refresh), vscode.workspace.onDidCloseTextDocument(refresh), vscode.workspace.onDidChangeTextDocument(refresh));
    this.schedule();
  }

  /** The live object, undefined when it does not exist (or the namespace is not watched yet). */
  get(namespace: string, name: string): StressChaos | undefined {
    return this.watches.get(namespace)?.snapshot.get(`${namespace}/${name}`);
  }

  /** This editor is about to delete it: its disappearance is no news. */
  deletingHere(namespace: string, name: string): void {
    this.deletingByUs.add(`${namespace}/${name}`);
  }

  /** When the object was seen to disappear from the cluster (deleted outside this editor) while watched; undefined if it was not. */
  deletedAt(namespace: string, name: string): number | undefined {
    return this.deleted.get(`${namespace}/${name}`);
  }

  private onObjects(namespace: string, objects: ReadonlyMap<string, StressChaos>): void {
    const before = this.seen.get(namespace);
    const now = new Set(objects.keys());
    for (const key of before ?? []) {
      if (now.has(key)) continue;
      if (this.deletingByUs.delete(key)) continue;
      this.deleted.set(key, Date.now());
      this.log?.warn(`StressChaos CodeLens: context ${this.session?.context ?? '?'}: following StressChaos ${key}: deleted: it was deleted from the cluster`);
    }
    for (const key of now) this.deleted.delete(key);
    this.seen.set(namespace, now);
    this.changed.fire();
  }

  /** Whether the namespace's watch has listed at least once (so "absent" means absent). */
  synced(namespace: string): boolean {
    const state = this.watches.get(namespace)?.state.state;
    return state === 'synced' || state === 'retrying';
  }

  /** The namespace a StressChaos document lands in: its own, else the context's. */
  namespaceOf(namespace: string | undefined): string | undefined {
    const live = this.cluster.get();
    return namespace || (live.ok ? live.session.namespace : undefined);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.sync(), 300);
  }

  /**
   * Watches exactly the namespaces the open StressChaos documents need. With none open, no
   * session is opened at all (a plain YAML file never loads the cluster client).
   */
  sync(): void {
    const docs = vscode.workspace.textDocuments
      .filter((d) => d.languageId === 'yaml')
      .flatMap((d) => this.analyses.get(d).documents.filter((info) => info.kind === 'StressChaos'));
    if (docs.length === 0) {
      this.stopAll();
      return;
    }
    const live = this.cluster.get();
    if (!live.ok || live.session !== this.session) this.stopAll();
    if (!live.ok) return;
    this.session = live.session;
    const wanted = new Set(docs.map((info) => info.namespace || live.session.namespace));
    for (const [ns, watch] of this.watches) {
      if (!wanted.has(ns)) {
        watch.stop();
        this.watches.delete(ns);
        this.seen.delete(ns);
      }
    }
    for (const ns of wanted) {
      if (this.watches.has(ns)) continue;
      this.watches.set(ns, live.chaos.watch(ns, (objects) => this.onObjects(ns, objects), () => this.changed.fire()));
    }
  }

  private stopAll(): void {
    for (const w of this.watches.values()) w.stop();
    this.watches.clear();
    this.seen.clear();
    this.deleted.clear();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.stopAll();
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
