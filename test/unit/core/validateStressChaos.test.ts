import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DIAGNOSTIC_CODES, validateStressChaos, type StressChaosDiagnostic, type StressChaosFix } from '../../../src/core/validateStressChaos';
import { UPSTREAM_STRESSCHAOS_FIXTURES } from '../../fixtures/paths';

/** `code@line:column` (0-based) for compact, exact assertions. */
const brief = (d: StressChaosDiagnostic) => `${d.severity} ${d.code}@${d.line}:${d.column}`;
const errors = (text: string) => validateStressChaos(text).filter((d) => d.severity === 'error');

const BASE = [
  'apiVersion: chaos-mesh.org/v1alpha1', // 0
  'kind: StressChaos', // 1
  'metadata:', // 2
  '  name: memory-pressure', // 3
  '  namespace: shop', // 4
  'spec:', // 5
  '  mode: one', // 6
  '  selector:', // 7
  '    labelSelectors:', // 8
  '      app: checkout', // 9
  '  stressors:', // 10
  '    memory:', // 11
  '      workers: 1', // 12
  '      size: 256MiB', // 13
  '  duration: 5m', // 14
];

/** BASE with lines [from, to) replaced by `replacement`. */
function edit(from: number, to: number, ...replacement: string[]): string {
  return [...BASE.slice(0, from), ...replacement, ...BASE.slice(to)].join('\n') + '\n';
}

suite('validateStressChaos: upstream examples', () => {
  // Warnings and hints each example deserves; none of them may have an error.
  const expected: Record<string, string[]> = {
    'chaos-mesh__examples__burn-cpu.yaml': ['warning options-duplicate-field@28:16'],
    'chaos-mesh__examples__cause-pod-oom.yaml': ['info oom-score-adj@28:19'],
    'chaos-mesh__examples__workflow__custom-task.yaml': ['warning options-duplicate-field@67:23'],
    'chaos-mesh__examples__workflow__parallel.yaml': ['warning options-duplicate-field@68:22'],
    'chaos-mesh__examples__workflow__serial.yaml': ['warning options-duplicate-field@73:23'],
    'website__blog__2021-07-01-how-to-efficiently-stress-test-pod-memory__block2__mem-stress.yaml': ['warning size-split-across-workers@14:12'],
    'website__docs__create-chaos-mesh-workflow__block1__workflow-parallel.yaml': ['warning options-duplicate-field@53:22'],
    'website__docs__remote-cluster-management__block2__burn-cpu-remoteCluster.yaml': ['warning options-duplicate-field@15:16'],
    'website__docs__run-serial-or-parallel-experiments__block1__workflow-serial.yaml': ['warning options-duplicate-field@44:22'],
    'website__docs__run-serial-or-parallel-experiments__block2__workflow-parallel.yaml': ['warning options-duplicate-field@40:22'],
    'website__docs__simulate-heavy-stress-on-kubernetes__block1__memory-stress-example.yaml': [
      'warning no-duration@6:0',
      'warning size-split-across-workers@14:12',
    ],
  };

  test('every fixture file is covered by this table', () => {
    assert.deepEqual(readdirSync(UPSTREAM_STRESSCHAOS_FIXTURES).filter((f) => f.endsWith('.yaml')).sort(), Object.keys(expected).sort());
  });

  for (const [file, diagnostics] of Object.entries(expected)) {
    test(`${file} validates with no errors`, () => {
      const found = validateStressChaos(readFileSync(path.join(UPSTREAM_STRESSCHAOS_FIXTURES, file), 'utf8'));
      assert.deepEqual(found.filter((d) => d.severity === 'error'), []);
      assert.deepEqual(found.map(brief), diagnostics);
    });
  }

  test('the blog example says what each of its 4 workers gets', () => {
    const [d] = validateStressChaos(readFileSync(path.join(UPSTREAM_STRESSCHAOS_FIXTURES, 'website__blog__2021-07-01-how-to-efficiently-stress-test-pod-memory__block2__mem-stress.yaml'), 'utf8'));
    assert.equal(
      d.message,
      '`size` is the TOTAL for all 4 workers, not per worker (the CRD text is out of date): each memStress worker maps 13107200 bytes (12.5Mi), 52428800 bytes (50Mi) in all.',
    );
  });
});

suite('validateStressChaos: one broken field, one error, at the field', () => {
  test('the unbroken base document has no diagnostics at all', () => assert.deepEqual(validateStressChaos(BASE.join('\n')), []));

  const table: [string, string, string, number, number][] = [
    ['name missing (reported at metadata)', edit(3, 4), 'missing-name', 2, 0],
    ['name not a DNS subdomain', edit(3, 4, '  name: Memory_Pressure'), 'invalid-name', 3, 8],
    ['mode not in the enum', edit(6, 7, '  mode: onee'), 'unsupported-value', 6, 8],
    ['mode missing (reported at spec)', edit(6, 7), 'required-field', 5, 0],
    ['selector missing (reported at spec)', edit(7, 10), 'required-field', 5, 0],
    ['spec missing (reported at kind)', BASE.slice(0, 5).join('\n'), 'required-field', 1, 0],
    ['mode fixed without value (reported at mode)', edit(6, 7, '  mode: fixed'), 'invalid-value', 6, 8],
    ['mode fixed with value 0', edit(6, 7, '  mode: fixed', '  value: "0"'), 'invalid-value', 7, 9],
    ['mode fixed-percent with value 150', edit(6, 7, '  mode: fixed-percent', '  value: "150"'), 'invalid-value', 7, 9],
    ['value written as a number', edit(6, 7, '  mode: fixed-percent', '  value: 50'), 'value-not-string', 7, 9],
    ['unknown field in the selector', edit(8, 9, '    labelSelector:'), 'unknown-field', 8, 4],
    ['unknown field in metadata', edit(5, 5, '  labelz: {}'), 'unknown-field', 5, 2],
    ['namespaces written as a string', edit(8, 10, '    namespaces: shop'), 'wrong-type', 8, 16],
    ['expression selector without operator (reported at the item)', edit(8, 10, '    expressionSelectors:', '      - key: app'), 'required-field', 9, 8],
    ['stressors empty', edit(10, 14, '  stressors: {}'), 'missing-stressors', 10, 2],
    ['stressors missing (reported at spec)', edit(10, 14), 'missing-stressors', 5, 0],
    ['workers above 8192', edit(12, 13, '      workers: 9000'), 'out-of-range', 12, 15],
    ['workers as a string', edit(12, 13, '      workers: "1"'), 'wrong-type', 12, 15],
    ['workers missing (reported at memory)', edit(12, 13), 'required-field', 11, 4],
    ['size as a Kubernetes quantity', edit(13, 14, '      size: 256Mi'), 'size-kubernetes-quantity', 13, 12],
    ['size with a fractional percentage', edit(13, 14, '      size: 12.5%'), 'invalid-size', 13, 12],
    ['size over 100%', edit(13, 14, '      size: 150%'), 'invalid-size', 13, 12],
    ['size with a space: memStress gets 256 bytes', edit(13, 14, '      size: 256 MB'), 'size-contains-space', 13, 12],
    ['size with an exponent: memStress cannot read it', edit(13, 14, '      size: "1e3"'), 'size-misread', 13, 12],
    ['size as a YAML number', edit(13, 14, '      size: 1e3'), 'wrong-type', 13, 12],
    ['oomScoreAdj above 1000', edit(14, 14, '      oomScoreAdj: 1001'), 'out-of-range', 14, 19],
    ['memory options with a stress-ng flag', edit(14, 14, '      options: ["--vm-bytes 1G"]'), 'memstress-option-rejected', 14, 16],
    ['memory options with a bad worker count', edit(14, 14, '      options: ["--workers x"]'), 'memstress-option-rejected', 14, 16],
    ['cpu load above 100', edit(14, 14, '    cpu:', '      workers: 1', '      load: 150'), 'out-of-range', 16, 12],
    ['duration in days', edit(14, 15, '  duration: 1d'), 'invalid-duration', 14, 12],
    ['duration without a unit', edit(14, 15, '  duration: "30"'), 'invalid-duration', 14, 12],
    ['duration as a YAML number', edit(14, 15, '  duration: 30'), 'wrong-type', 14, 12],
    ['duration misspelt', edit(14, 15, '  duraton: 5m'), 'unknown-field', 14, 2],
  ];
  for (const [name, text, code, line, column] of table) {
    test(`${name} → ${code} at ${line}:${column}`, () => {
      const found = errors(text);
      assert.equal(found.length, 1, found.map((d) => `${brief(d)} ${d.message}`).join('\n'));
      assert.deepEqual([found[0].code, found[0].line, found[0].column], [code, line, column]);
      assert.equal(DIAGNOSTIC_CODES[found[0].code as keyof typeof DIAGNOSTIC_CODES], 'error');
    });
  }

  test('the Kubernetes quantity error suggests the accepted spelling and spans the value', () => {
    const [d] = errors(edit(13, 14, '      size: 256Mi'));
    assert.ok(d.message.includes('Chaos Mesh wants 256MiB.'), d.message);
    assert.deepEqual([d.line, d.column, d.endLine, d.endColumn], [13, 12, 13, 17]);
    assert.deepEqual(d.path, ['spec', 'stressors', 'memory', 'size']);
  });

  test('the duration error suggests a Go duration', () => {
    const [d] = errors(edit(14, 15, '  duration: 2d'));
    assert.ok(d.message.includes('Chaos Mesh wants 48h.'), d.message);
    assert.ok(d.message.endsWith('(webhook: Spec.Duration: Invalid value: "2d": parse duration field error: time: unknown unit "d" in duration "2d")'), d.message);
  });

  test('missing stressors quotes the webhook with the spec as it sees it (namespaces defaulted)', () => {
    const [d] = errors(edit(10, 14));
    assert.equal(
      d.message,
      'No stressors: add `stressors.memory` (memStress) and/or `stressors.cpu` (stress-ng). Chaos Mesh refuses a StressChaos without them. ' +
        '(webhook: Spec: Invalid value: {"selector":{"namespaces":["shop"],"labelSelectors":{"app":"checkout"}},"mode":"one","duration":"5m"}: missing stressors)',
    );
  });

  test('a size memStress cannot read names the failure and the spelling to use', () => {
    const [d] = errors(edit(13, 14, '      size: "1e3"'));
    assert.equal(d.message, 'Chaos Mesh accepts "1e3", but memStress cannot read it (unhandled size name: e3) and allocates nothing. Write `1000`.');
  });

  test('a size with a space says what memStress really receives', () => {
    const [d] = errors(edit(13, 14, '      size: 256 MB'));
    assert.equal(
      d.message,
      'Chaos Mesh accepts "256 MB", but it splits the memStress arguments on spaces: memStress receives `--size 256` and reads 256 bytes; `MB` and every option after it are ignored. Write `256MB`.',
    );
  });

  test('a stress-ng flag in memory options says memStress exits', () => {
    const [d] = errors(edit(14, 14, '      options: ["--vm-bytes 1G"]'));
    assert.equal(
      d.message,
      'memStress exits at start (flag provided but not defined: -vm-bytes), so nothing is allocated while the experiment reports Injected. ' +
        'Memory `options` are memStress flags, not stress-ng ones: memStress knows only --size, --workers and --time.',
    );
  });

  test('a missing selector says what Chaos Mesh does instead', () => {
    const [d] = errors(edit(7, 10));
    assert.ok(d.message.includes('so EVERY pod of that namespace becomes a target'), d.message);
    assert.ok(d.message.endsWith('(API server: spec.selector: Required value)'), d.message);
  });

  test('a number in value says to quote it', () => {
    const [d] = errors(edit(6, 7, '  mode: fixed', '  value: 2'));
    assert.equal(
      d.message,
      '`value` must be a string, even for a number: write `value: "2"`. (API server: spec.value: Invalid value: "integer": spec.value in body must be of type string: "integer")',
    );
  });

  test('an invalid name quotes the API server and suggests a valid one', () => {
    const [d] = errors(edit(3, 4, '  name: Memory_Pressure'));
    assert.equal(
      d.message,
      "`Memory_Pressure` is not a valid object name: use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. `memory-pressure`). " +
        "(API server: metadata.name: Invalid value: \"Memory_Pressure\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', " +
        "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'))",
    );
  });

  test('a misspelt field suggests the real one', () => {
    const [d] = errors(edit(8, 9, '    labelSelector:'));
    assert.ok(d.message.startsWith('Unknown field `labelSelector` in `spec.selector`: StressChaos has no such field. Did you mean `labelSelectors`?'), d.message);
  });

  test('the website\'s memory.time field is explained', () => {
    const [d] = errors(edit(14, 14, '      time: 1m'));
    assert.ok(d.message.includes('use `options: ["--time 1m"]`'), d.message);
  });
});

suite('validateStressChaos: accepted, but not what it looks like (warnings asserted exactly)', () => {
  const table: [string, string, string[]][] = [
    ['no duration', edit(14, 15), ['warning no-duration@5:0']],
    ['an empty duration', edit(14, 15, '  duration: ""'), ['warning no-duration@14:2']],
    ['a duration key without a value', edit(14, 15, '  duration:'), ['warning empty-field@14:2', 'warning no-duration@5:0']],
    ['workers 0', edit(12, 13, '      workers: 0'), ['warning workers-zero@12:15']],
    ['negative workers', edit(12, 13, '      workers: -1'), ['warning workers-negative@12:15']],
    ['memory without size', edit(13, 14), ['warning memory-without-size@11:4']],
    ['size 0', edit(13, 14, '      size: "0"'), ['warning size-zero@13:12']],
    ['fewer bytes than workers', edit(12, 14, '      workers: 4', '      size: 3B'), ['warning size-zero@13:12']],
    ['size split across workers', edit(12, 14, '      workers: 4', '      size: 256MB'), ['warning size-split-across-workers@13:12']],
    ['a percentage of the node', edit(13, 14, '      size: 50%'), ['warning size-percent-of-node@13:12']],
    ['stressngStressors alone', edit(10, 14, '  stressngStressors: "--vm 1 --vm-bytes 1G"'), ['warning stressng-stressors-ignored@10:2']],
    ['stressngStressors beside stressors', edit(10, 10, '  stressngStressors: "--vm 1"'), ['warning stressng-stressors-ignored@10:2']],
    ['options overriding size', edit(14, 14, '      options: ["--size 1GB"]'), ['warning options-duplicate-field@14:16']],
    [
      'options overriding workers (the split follows the effective count)',
      edit(14, 14, '      options: ["--workers=2"]'),
      ['warning options-duplicate-field@14:16', 'warning size-split-across-workers@13:12'],
    ],
    ['size given only in options', edit(13, 14, '      options: ["--size=1GB"]'), ['warning options-duplicate-field@13:16']],
    ['options setting workers to 0', edit(14, 14, '      options: ["--workers 0"]'), ['warning options-duplicate-field@14:16']],
    ['memStress\'s internal --client flag', edit(14, 14, '      options: ["--client"]'), ['warning memstress-client-flag@14:16']],
    ['a --time memStress cannot read', edit(14, 14, '      options: ["--time 10min"]'), ['warning memstress-time-invalid@14:16']],
    ['a non-flag word stops memStress flag parsing', edit(14, 14, '      options: ["now", "--time 1m"]'), ['warning memstress-options-ignored@14:16']],
    ['cpu options overriding workers', edit(14, 14, '    cpu:', '      workers: 1', '      options: ["--cpu 4"]'), ['warning options-duplicate-field@16:16']],
    ['cpu workers 0', edit(14, 14, '    cpu:', '      workers: 0'), ['warning workers-zero@15:15']],
    ['value with mode one', edit(6, 7, '  mode: one', '  value: "2"'), ['info value-ignored@7:2']],
    ['a label value with a space', edit(9, 10, '      app: hello world'), ['warning invalid-selector@9:11']],
    ['a label key with a space', edit(9, 10, '      app name: checkout'), ['warning invalid-selector@9:6']],
    ['an unknown expression operator', edit(8, 10, '    expressionSelectors:', '      - {key: app, operator: in, values: [checkout]}'), ['warning invalid-selector@9:29']],
    ['In without values', edit(8, 10, '    expressionSelectors:', '      - {key: app, operator: In}'), ['warning invalid-selector@9:29']],
    ['Exists with values', edit(8, 10, '    expressionSelectors:', '      - {key: app, operator: Exists, values: [x]}'), ['warning invalid-selector@9:37']],
    ['a pod phase that does not exist', edit(8, 10, '    podPhaseSelectors: [Running, Ready]'), ['warning invalid-selector@8:33']],
    ['oomScoreAdj -1000', edit(14, 14, '      oomScoreAdj: -1000'), ['info oom-score-adj@14:19']],
  ];
  for (const [name, text, expected] of table) {
    test(name, () => assert.deepEqual(validateStressChaos(text).map(brief), expected));
  }

  test('the split message says what each worker gets', () => {
    const [d] = validateStressChaos(edit(12, 14, '      workers: 4', '      size: 256MB'));
    assert.equal(
      d.message,
      '`size` is the TOTAL for all 4 workers, not per worker (the CRD text is out of date): each memStress worker maps 64000000 bytes (61Mi), 256000000 bytes (244Mi) in all.',
    );
  });

  test('a percentage is of the node, not the container limit', () => {
    const [d] = validateStressChaos(edit(12, 14, '      workers: 2', '      size: 50%'));
    assert.equal(
      d.message,
      "`50%` is 50% of the NODE's memory (MemTotal in /proc/meminfo), not of the container's limit, split across 2 workers (25% each). If that exceeds the container's limit, the OOM killer steps in.",
    );
  });

  test('an expression operator in the wrong case gets the right spelling', () => {
    const [d] = validateStressChaos(edit(8, 10, '    expressionSelectors:', '      - {key: app, operator: in, values: [checkout]}'));
    assert.equal(
      d.message,
      '"in" is not a label selector operator: use In, NotIn, Exists or DoesNotExist (did you mean `In`?). Chaos Mesh accepts it, but selecting the targets then fails, so the stress never starts.',
    );
  });

  test('options setting workers to 0 say nothing is allocated', () => {
    const [d] = validateStressChaos(edit(14, 14, '      options: ["--workers 0"]'));
    assert.equal(
      d.message,
      '`--workers 0` in options overrides `workers: 1`: memStress keeps the last value, so it runs with workers 0, which starts no worker and allocates nothing. Set `workers` instead.',
    );
  });

  test('stressngStressors beside stressors says nothing runs at all', () => {
    const [d] = validateStressChaos(edit(10, 10, '  stressngStressors: "--vm 1"'));
    assert.ok(d.message.includes('NOTHING runs'), d.message);
  });

  test('an option overriding size says what memStress really allocates', () => {
    const [d] = validateStressChaos(edit(14, 14, '      options: ["--size 1GB"]'));
    assert.equal(d.message, '`--size 1GB` in options overrides `size: 256MiB`: memStress keeps the last value, so it runs with size 1GB. Set `size` instead.');
  });
});

suite('validateStressChaos: documents, syntax errors and embedded specs', () => {
  test('other documents are ignored and positions count from the start of the text', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  size: 256Mi',
      '---',
      ...BASE.slice(0, 13),
      '      size: 256Mi',
      '  duration: 5m',
    ].join('\n');
    const found = validateStressChaos(text);
    assert.deepEqual(found.map(brief), ['error size-kubernetes-quantity@19:12']);
    assert.equal(found[0].document, 1);
  });

  test('a StressChaos of another apiVersion is ignored', () => {
    assert.deepEqual(validateStressChaos(['apiVersion: pingcap.com/v1alpha1', ...BASE.slice(1, 13), '      size: 256Mi'].join('\n')), []);
  });

  test('a YAML syntax error is reported at its position', () => {
    const text = [...BASE.slice(0, 6), '  mode: [one', '  selector: {}'].join('\n');
    const found = validateStressChaos(text);
    assert.equal(found.length, 1);
    assert.equal(found[0].code, 'yaml-syntax');
    assert.equal(found[0].severity, 'error');
    assert.ok(found[0].message.startsWith('YAML syntax error: '), found[0].message);
    assert.deepEqual([found[0].line, found[0].column], [7, 2]);
  });

  test('a duplicate key is a syntax error at the duplicate', () => {
    const found = validateStressChaos([...BASE, '  duration: 10m'].join('\n'));
    assert.deepEqual(found.map(brief), ['error yaml-syntax@15:2']);
  });

  test('an empty text and a comment-only text have nothing to report', () => {
    assert.deepEqual(validateStressChaos(''), []);
    assert.deepEqual(validateStressChaos('# nothing here\n'), []);
  });

  const workflow = (stressChaosLines: string[]) =>
    [
      'apiVersion: chaos-mesh.org/v1alpha1', // 0
      'kind: Workflow', // 1
      'metadata: {name: wf}', // 2
      'spec:', // 3
      '  entry: stress', // 4
      '  templates:', // 5
      '    - name: stress', // 6
      '      templateType: StressChaos', // 7
      '      deadline: 1m', // 8
      '      stressChaos:', // 9
      ...stressChaosLines,
    ].join('\n');

  test('a Workflow StressChaos template must not have a duration (use the deadline)', () => {
    const found = validateStressChaos(
      workflow(['        mode: one', '        selector: {}', '        stressors:', '          memory: {workers: 1, size: 256MiB}', '        duration: 30s']),
    );
    assert.deepEqual(found.map(brief), ['error workflow-duration@14:8']);
    assert.ok(found[0].message.includes('should not define duration in chaos when using Workflow, use Template#Deadline instead.'), found[0].message);
  });

  test('an embedded spec gets the schema and webhook rules, with positions inside the template', () => {
    const found = validateStressChaos(workflow(['        mode: one', '        selector: {}', '        stressors:', '          memory: {workers: 1, size: 256Mi, vm: 1}']));
    assert.deepEqual(found.map(brief), ['error unknown-field@13:44', 'error size-kubernetes-quantity@13:37']);
  });

  test('a Schedule of StressChaos without duration warns at the embedded spec', () => {
    const text = [
      'apiVersion: chaos-mesh.org/v1alpha1',
      'kind: Schedule',
      'metadata: {name: nightly}',
      'spec:',
      '  schedule: "@every 1h"',
      '  type: StressChaos',
      '  stressChaos:',
      '    mode: one',
      '    selector: {}',
      '    stressors:',
      '      memory: {workers: 1, size: 256MiB}',
    ].join('\n');
    assert.deepEqual(validateStressChaos(text).map(brief), ['warning no-duration@6:2']);
  });

  test('never throws while typing: every prefix and every one-character deletion of an example', () => {
    const text = readFileSync(path.join(UPSTREAM_STRESSCHAOS_FIXTURES, 'website__blog__2021-07-01-how-to-efficiently-stress-test-pod-memory__block2__mem-stress.yaml'), 'utf8');
    const variants = [...Array(text.length + 1).keys()].map((i) => text.slice(0, i));
    for (let i = 0; i < text.length; i++) variants.push(text.slice(0, i) + text.slice(i + 1));
    for (const variant of variants) {
      const lines = variant.split('\n');
      for (const d of validateStressChaos(variant)) {
        assert.ok(d.line >= 0 && d.line < lines.length, `line ${d.line} outside the text for ${JSON.stringify(variant)}`);
        assert.ok(d.column >= 0 && d.column <= lines[d.line].length, `column ${d.column} outside line ${d.line} for ${JSON.stringify(variant)}`);
        assert.equal(DIAGNOSTIC_CODES[d.code as keyof typeof DIAGNOSTIC_CODES], d.severity, d.code);
      }
    }
  });

  test('every emitted code is declared with its severity', () => {
    const texts = [
      edit(13, 14, '      size: 256Mi'),
      edit(14, 15),
      edit(12, 13, '      workers: 0'),
      edit(6, 7, '  mode: one', '  value: "2"'),
    ];
    for (const t of texts) {
      for (const d of validateStressChaos(t)) assert.equal(DIAGNOSTIC_CODES[d.code as keyof typeof DIAGNOSTIC_CODES], d.severity, d.code);
    }
  });
});

suite('validateStressChaos: fixes carried as data', () => {
  /** Applies a fix's edits (given in document order, non-overlapping) to the text. */
  function apply(text: string, fix: StressChaosFix): string {
    const lines = text.split('\n');
    const offset = (line: number, column: number) => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + column;
    let out = text;
    for (const e of [...fix.edits].reverse()) out = out.slice(0, offset(e.line, e.column)) + e.newText + out.slice(offset(e.endLine, e.endColumn));
    return out;
  }
  const table: [string, string, string, string, string][] = [
    ['Kubernetes quantity → Chaos Mesh unit', edit(13, 14, '      size: 256Mi'), 'size-kubernetes-quantity', 'Write `256MiB` (Chaos Mesh units)', '      size: 256MiB'],
    ['quoted size keeps its quotes', edit(13, 14, '      size: "1Gi"'), 'size-kubernetes-quantity', 'Write `1GiB` (Chaos Mesh units)', '      size: "1GiB"'],
    ['size with a space', edit(13, 14, '      size: 256 MB'), 'size-contains-space', 'Write `256MB` (Chaos Mesh units)', '      size: 256MB'],
    ['misspelt field → nearest valid one', edit(14, 15, '  duraton: 5m'), 'unknown-field', 'Rename to `duration`', '  duration: 5m'],
    ['misspelt nested field', edit(12, 13, '      worker: 1'), 'unknown-field', 'Rename to `workers`', '      workers: 1'],
    ['mode typo', edit(6, 7, '  mode: al'), 'unsupported-value', 'Write `all`', '  mode: all'],
    ['value as a number', edit(6, 7, '  mode: fixed', '  value: 2'), 'value-not-string', 'Write `"2"`', '  value: "2"'],
    ['duration in days', edit(14, 15, '  duration: 1d'), 'invalid-duration', 'Write `24h`', '  duration: 24h'],
    ['workers 0', edit(12, 13, '      workers: 0'), 'workers-zero', 'Write `workers: 1`', '      workers: 1'],
  ];
  for (const [name, text, code, title, fixedLine] of table) {
    test(`${name}: ${code} → "${title}", and the result validates clean`, () => {
      const d = validateStressChaos(text).find((x) => x.code === code);
      assert.ok(d?.fixes, `no fix on ${code}`);
      assert.equal(d.fixes[0].title, title);
      const fixed = apply(text, d.fixes[0]);
      assert.ok(fixed.split('\n').includes(fixedLine), fixed);
      assert.deepEqual(validateStressChaos(fixed).map(brief), []);
    });
  }

  test('a duration added after a last line whose quoted key holds ` #` goes after the whole line', () => {
    // found by the generated-input test: ` #` inside quotes was taken for a comment
    const text = edit(14, 15, `      " #": 1`);
    const d = validateStressChaos(text).find((x) => x.code === 'no-duration');
    assert.equal(apply(text, d?.fixes?.[0] as StressChaosFix), edit(14, 15, `      " #": 1`, '  duration: 60s'));
    const quoted = edit(14, 15, `      'it''s #1': 1 # a comment`);
    const q = validateStressChaos(quoted).find((x) => x.code === 'no-duration');
    assert.equal(apply(quoted, q?.fixes?.[0] as StressChaosFix), edit(14, 15, `      'it''s #1': 1`, '  duration: 60s # a comment'));
  });

  test('a misspelt field whose right name is already there (as `size: null`) gets no rename: it would be a duplicate key', () => {
    // found by the generated-input test
    const text = edit(13, 14, '      size: null', '      szie: 1GB');
    const d = validateStressChaos(text).find((x) => x.code === 'unknown-field');
    assert.equal(d?.line, 14);
    assert.equal(d?.fixes, undefined);
  });

  test('positions after a quoted scalar that closes on a later line are on the right line', () => {
    // found by the generated-input test: the yaml package's line counter skipped a line break here
    const text = '"a: b\nc: d\ne: "50"\n  f:\n    g: 1\n';
    // offsets 0…13 and 13…22 of the text: line 3 starts at offset 19
    assert.deepEqual(validateStressChaos(text).map((x) => [x.code, x.line, x.column, x.endLine, x.endColumn]), [['yaml-syntax', 0, 0, 2, 4], ['yaml-syntax', 2, 4, 3, 3]]);
  });

  const inserts: [string, string, string, string, string][] = [
    ['missing duration: added at the end of spec, with the given default', edit(14, 15), 'no-duration', 'Add `duration: 60s`', edit(14, 15, '  duration: 60s')],
    ['fixed-percent without value: added after mode', edit(6, 7, '  mode: fixed-percent'), 'invalid-value', 'Add `value: "50"`', edit(6, 7, '  mode: fixed-percent', '  value: "50"')],
    ['fixed without value', edit(6, 7, '  mode: fixed'), 'invalid-value', 'Add `value: "1"`', edit(6, 7, '  mode: fixed', '  value: "1"')],
    ['memory without size: added after workers', edit(13, 14), 'memory-without-size', 'Add `size: 256MB`', edit(13, 14, '      size: 256MB')],
    // found by the generated-input test: a second `size:` line would be a duplicate key
    ['memory with `size: null`: written in place', edit(13, 14, '      size: null'), 'memory-without-size', 'Add `size: 256MB`', edit(13, 14, '      size: 256MB')],
    ['memory with `size:` and no value: written after the colon', edit(13, 14, '      size:'), 'memory-without-size', 'Add `size: 256MB`', edit(13, 14, '      size: 256MB')],
  ];
  for (const [name, text, code, title, expected] of inserts) {
    test(`${name}: ${code} → "${title}"`, () => {
      const d = validateStressChaos(text).find((x) => x.code === code);
      assert.equal(d?.fixes?.[0].title, title);
      const fixed = apply(text, d.fixes[0]);
      assert.equal(fixed, expected);
      assert.deepEqual(validateStressChaos(fixed).map(brief), []);
    });
  }

  test('the duration a fix adds comes from the options (the setting)', () => {
    const d = validateStressChaos(edit(14, 15), { defaultDuration: '5m' }).find((x) => x.code === 'no-duration');
    assert.equal(apply(edit(14, 15), d?.fixes?.[0] as StressChaosFix), edit(14, 15, '  duration: 5m'));
  });

  test('a flow-style spec gets the diagnostic but no insertion fix', () => {
    const d = validateStressChaos('apiVersion: chaos-mesh.org/v1alpha1\nkind: StressChaos\nmetadata: {name: a}\nspec: {mode: one, selector: {}, stressors: {memory: {workers: 1, size: 1GB}}}\n').find((x) => x.code === 'no-duration');
    assert.ok(d);
    assert.equal(d.fixes, undefined);
  });
});
