// Benchmarks of the StressChaos editor's work per (debounced) change: the analysis of a 2,000-line
// multi-document file (parse, StressChaos documents, every validation rule) and the cost of
// opening a YAML file that is not a StressChaos (a Helm values file), which must stay a string
// search: no parse, no schema compilation, no cluster client.
import { analyzeStressChaosText, IncrementalAnalyzer, schemaCompiled } from '../src/core';
import { benchSuite, median, percentile, round, sized, timeRuns } from './util';

const MANIFEST = (i: number) =>
  [
    'apiVersion: chaos-mesh.org/v1alpha1',
    'kind: StressChaos',
    'metadata:',
    `  name: memory-stress-${i}`,
    '  namespace: hello-kubernetes',
    '  labels:',
    '    team: checkout',
    'spec:',
    `  mode: ${i % 3 === 0 ? 'fixed-percent' : 'one'}`,
    ...(i % 3 === 0 ? ['  value: "50"'] : []),
    '  selector:',
    '    namespaces:',
    '      - hello-kubernetes',
    '    labelSelectors:',
    '      app.kubernetes.io/name: hello-kubernetes',
    '  containerNames: [hello-kubernetes]',
    '  stressors:',
    '    memory:',
    `      workers: ${1 + (i % 4)}`,
    `      size: ${i % 5 === 0 ? '256Mi' : '256MiB'}`,
    '      oomScoreAdj: 0',
    '    cpu:',
    '      workers: 1',
    '      load: 20',
    `  duration: ${i % 7 === 0 ? '1d' : '5m'}`,
    '---',
  ];

function multiDocument(lines: number): string {
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) out.push(...MANIFEST(i));
  return out.slice(0, lines).join('\n') + '\n';
}

function helmValues(lines: number): string {
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) out.push(`service${i}:`, '  replicaCount: 2', '  persistence:', '    enabled: true', '    size: 8Gi', '  resources:', '    limits:', '      memory: 512Mi');
  return out.slice(0, lines).join('\n') + '\n';
}

benchSuite('editor', async (record) => {
  const plain = helmValues(2000);
  const opens = sized(200, 50);
  const open = await timeRuns(opens, () => analyzeStressChaosText(plain));
  const compiledByPlainYaml = schemaCompiled();
  record({
    id: 'plain-yaml-analysis-ms',
    what: 'the editor\'s analysis when a 2,000-line YAML file that is not a StressChaos (a Helm values file) opens',
    value: round(median(open)),
    unit: 'ms',
    better: 'lower',
    note: `median of ${opens}; the StressChaos schema compiled by it: ${compiledByPlainYaml ? 'yes' : 'no'} (a string search decides)`,
  });
  if (compiledByPlainYaml) throw new Error('opening a plain YAML file compiled the StressChaos schema');

  // A pass on typing: the editor keeps one IncrementalAnalyzer per document, so an edit re-reads
  // the YAML document it touched and reuses the others. Each run edits a different document.
  const text = multiDocument(2000);
  const analyzer = new IncrementalAnalyzer();
  const index = analyzer.analyze(text);
  const names = index.documents.map((d) => d.name as string);
  let n = 0;
  const runs = sized(100, 30);
  const passes = await timeRuns(runs, () => {
    const name = names[n++ % names.length];
    analyzer.analyze(text.replace(`name: ${name}\n`, `name: ${name}-edited-${n}\n`));
  });
  const cold = await timeRuns(sized(10, 3), () => new IncrementalAnalyzer().analyze(text), 2);
  record({
    id: 'validate-2000-lines-ms',
    what: `diagnostics pass after an edit in a 2,000-line file (${index.documents.length} StressChaos documents, ${index.diagnostics.length} diagnostics)`,
    value: round(median(passes)),
    unit: 'ms',
    goal: 20,
    better: 'lower',
    baseline: { name: 'validating the whole text again (a cold pass, as on opening)', value: round(median(cold)) },
    note: `median of ${runs} edits, each in a different document (p95 ${round(percentile(passes, 95))} ms)`,
  });
});
