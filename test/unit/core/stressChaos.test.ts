import { strict as assert } from 'node:assert';
import {
  admissionDeniedMessage,
  admitStressChaos,
  CANNOT_UPDATE_CHAOS_SPEC,
  experimentState,
  goJsonSpec,
  goParseDuration,
  isPaused,
  PAUSE_ANNOTATION,
  stressChaosDefaults,
  stressChaosUpdateError,
  stressChaosWebhookErrors,
  stressorCommandLines,
  type StressChaos,
} from '../../../src/core/stressChaos';

type Spec = Record<string, unknown>;

function chaos(spec: Spec, metadata: Record<string, unknown> = { name: 'memory-pressure', namespace: 'default' }): Record<string, unknown> {
  return { apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata, spec };
}

const memory = { memory: { workers: 1, size: '256MB' } };
const denied = (text: string) => `admission webhook "vstresschaos.kb.io" denied the request: ${text}`;

/** CREATE through both webhooks, as the API server of a cluster with Chaos Mesh does. */
function create(spec: Spec): string | undefined {
  const result = admitStressChaos(chaos(spec), { operation: 'CREATE' });
  return result.allowed ? undefined : result.message;
}

suite('StressChaos validating webhook: one case per rule, exact kubectl text', () => {
  const table: [string, Spec, string][] = [
    [
      'rule 1: no stressors and no stressngStressors → Spec: missing stressors (value is the defaulted spec)',
      { mode: 'one', selector: {} },
      denied('Spec: Invalid value: {"selector":{"namespaces":["default"]},"mode":"one"}: missing stressors'),
    ],
    [
      'rule 2: stressors without memory or cpu → Spec.Stressors: missing stressors',
      { mode: 'one', selector: {}, stressors: {} },
      denied('Spec.Stressors: Invalid value: {}: missing stressors'),
    ],
    [
      'rule 3: a percentage above 100 → illegal proportion',
      { mode: 'one', selector: {}, stressors: { memory: { workers: 1, size: '101%' } } },
      denied('Spec.Stressors.MemoryStressor.Size: Invalid value: "101%": incorrect bytes format: illegal proportion'),
    ],
    [
      'rule 3: a fractional percentage → strconv.Atoi syntax error',
      { mode: 'one', selector: {}, stressors: { memory: { workers: 1, size: '12.5%' } } },
      denied('Spec.Stressors.MemoryStressor.Size: Invalid value: "12.5%": incorrect bytes format: strconv.Atoi: parsing "12.5": invalid syntax'),
    ],
    [
      'rule 4: 256Mi is rejected: Chaos Mesh wants MiB',
      { mode: 'one', selector: {}, stressors: { memory: { workers: 1, size: '256Mi' } } },
      denied('Spec.Stressors.MemoryStressor.Size: Invalid value: "256Mi": incorrect bytes format: invalid suffix: \'mi\''),
    ],
    [
      'rule 4: a negative size → invalid size',
      { mode: 'one', selector: {}, stressors: { memory: { workers: 1, size: '-1Kb' } } },
      denied("Spec.Stressors.MemoryStressor.Size: Invalid value: \"-1Kb\": incorrect bytes format: invalid size: '-1Kb'"),
    ],
    [
      'rule 4: a trailing space → strconv.ParseFloat error',
      { mode: 'one', selector: {}, stressors: { memory: { workers: 1, size: '256MB ' } } },
      denied('Spec.Stressors.MemoryStressor.Size: Invalid value: "256MB ": incorrect bytes format: strconv.ParseFloat: parsing "256MB": invalid syntax'),
    ],
    [
      'rule 5: duration 400S → unknown unit "S"',
      { mode: 'one', selector: {}, stressors: memory, duration: '400S' },
      denied('Spec.Duration: Invalid value: "400S": parse duration field error: time: unknown unit "S" in duration "400S"'),
    ],
    [
      'rule 5: duration 30 → missing unit',
      { mode: 'one', selector: {}, stressors: memory, duration: '30' },
      denied('Spec.Duration: Invalid value: "30": parse duration field error: time: missing unit in duration "30"'),
    ],
    [
      'rules 6: fixed with a non-integer value → parse error, reported by the promoted and the embedded PodSelector validator',
      { mode: 'fixed', value: 'num', selector: {}, stressors: memory },
      denied(
        '[Spec.ContainerSelector.value: Invalid value: "num": parse value field error:strconv.Atoi: parsing "num": invalid syntax, ' +
          'Spec.ContainerSelector.PodSelector.value: Invalid value: "num": parse value field error:strconv.Atoi: parsing "num": invalid syntax]',
      ),
    ],
    [
      'rule 7: fixed with 0 → value must be greater than 0',
      { mode: 'fixed', value: '0', selector: {}, stressors: memory },
      denied(
        '[Spec.ContainerSelector.value: Invalid value: "0": value must be greater than 0 with mode:fixed, ' +
          'Spec.ContainerSelector.PodSelector.value: Invalid value: "0": value must be greater than 0 with mode:fixed]',
      ),
    ],
    [
      'rule 8: random-max-percent with a non-integer value → parse error',
      { mode: 'random-max-percent', value: '50%', selector: {}, stressors: memory },
      denied(
        '[Spec.ContainerSelector.value: Invalid value: "50%": parse value field error:strconv.Atoi: parsing "50%": invalid syntax, ' +
          'Spec.ContainerSelector.PodSelector.value: Invalid value: "50%": parse value field error:strconv.Atoi: parsing "50%": invalid syntax]',
      ),
    ],
    [
      'rule 9: fixed-percent 101 → must be (0,100]',
      { mode: 'fixed-percent', value: '101', selector: {}, stressors: memory },
      denied(
        '[Spec.ContainerSelector.value: Invalid value: "101": value of 101 is invalid, Must be (0,100] with mode:fixed-percent, ' +
          'Spec.ContainerSelector.PodSelector.value: Invalid value: "101": value of 101 is invalid, Must be (0,100] with mode:fixed-percent]',
      ),
    ],
    [
      'rule 9: random-max-percent 0 → must be (0,100]',
      { mode: 'random-max-percent', value: '0', selector: {}, stressors: memory },
      denied(
        '[Spec.ContainerSelector.value: Invalid value: "0": value of 0 is invalid, Must be (0,100] with mode:random-max-percent, ' +
          'Spec.ContainerSelector.PodSelector.value: Invalid value: "0": value of 0 is invalid, Must be (0,100] with mode:random-max-percent]',
      ),
    ],
    [
      'several rules at once: breadth-first order of the Go struct walk, one bracketed list',
      { mode: 'fixed', selector: {}, stressors: { memory: { workers: 1, size: '1EB' } }, duration: '1d' },
      denied(
        '[Spec.ContainerSelector.value: Invalid value: "": parse value field error:strconv.Atoi: parsing "": invalid syntax, ' +
          'Spec.Duration: Invalid value: "1d": parse duration field error: time: unknown unit "d" in duration "1d", ' +
          'Spec.ContainerSelector.PodSelector.value: Invalid value: "": parse value field error:strconv.Atoi: parsing "": invalid syntax, ' +
          "Spec.Stressors.MemoryStressor.Size: Invalid value: \"1EB\": incorrect bytes format: invalid suffix: 'eb']",
      ),
    ],
  ];
  for (const [name, spec, expected] of table) test(name, () => assert.equal(create(spec), expected));

  const allowed: [string, Spec][] = [
    ['workers: 0 passes (the positive-workers check is dead code upstream)', { mode: 'one', selector: {}, stressors: { memory: { workers: 0 } } }],
    ['negative workers pass', { mode: 'one', selector: {}, stressors: { cpu: { workers: -3 } } }],
    ['stressngStressors alone passes (and is ignored at runtime)', { mode: 'all', selector: {}, stressngStressors: '--vm 1' }],
    ['an empty duration passes', { mode: 'one', selector: {}, stressors: memory, duration: '' }],
    ['value is not checked for mode one', { mode: 'one', value: 'whatever', selector: {}, stressors: memory }],
    ['1e3 passes the webhook (memStress then misreads it)', { mode: 'one', selector: {}, stressors: { memory: { workers: 1, size: '1e3' } } }],
    ['256 MB passes the webhook (memStress then gets 256)', { mode: 'one', selector: {}, stressors: { memory: { workers: 1, size: '256 MB' } } }],
    ['fixed 3 and fixed-percent 100 pass', { mode: 'fixed-percent', value: '100', selector: {}, stressors: memory }],
  ];
  for (const [name, spec] of allowed) test(name, () => assert.equal(create(spec), undefined));

  test('each error carries its Go field path, JSON path, detail and value', () => {
    assert.deepEqual(stressChaosWebhookErrors(chaos({ mode: 'one', selector: {}, stressors: { memory: { workers: 1, size: '256Mi' } } })), [
      {
        field: 'Spec.Stressors.MemoryStressor.Size',
        path: ['spec', 'stressors', 'memory', 'size'],
        detail: "incorrect bytes format: invalid suffix: 'mi'",
        value: '256Mi',
        message: "Spec.Stressors.MemoryStressor.Size: Invalid value: \"256Mi\": incorrect bytes format: invalid suffix: 'mi'",
      },
    ]);
  });

  test('values render as Go does: %q for the plain string value, JSON for pointer fields', () => {
    const errors = stressChaosWebhookErrors(chaos({ mode: 'fixed', value: 'a\tb<é>', selector: {}, stressors: memory, duration: 'x<y' }));
    assert.equal(errors[0].message, 'Spec.ContainerSelector.value: Invalid value: "a\\tb<é>": parse value field error:strconv.Atoi: parsing "a\\tb<é>": invalid syntax');
    assert.equal(errors[1].message, 'Spec.Duration: Invalid value: "x\\u003cy": parse duration field error: time: invalid duration "x<y"');
  });

  test('the spec renders in Go field order, omitempty respected, map keys sorted, HTML escaped', () => {
    assert.equal(
      goJsonSpec({
        duration: '',
        mode: 'all',
        selector: { labelSelectors: { b: '1', a: '<&>' }, namespaces: ['x'], pods: { ns: ['p'] }, expressionSelectors: [{ operator: 'Exists', key: 'k' }] },
        containerNames: [],
        remoteCluster: 'c',
      }),
      '{"selector":{"namespaces":["x"],"labelSelectors":{"a":"\\u003c\\u0026\\u003e","b":"1"},"expressionSelectors":[{"key":"k","operator":"Exists"}],"pods":{"ns":["p"]}},"mode":"all","duration":"","remoteCluster":"c"}',
    );
  });

  test('UPDATE: changing the spec is refused, an annotation-only change (pause) is not', () => {
    const old = chaos({ mode: 'one', selector: { namespaces: ['default'] }, stressors: memory, duration: '5m' });
    const longer = chaos({ mode: 'one', selector: { namespaces: ['default'] }, stressors: memory, duration: '10m' });
    const paused = { ...old, metadata: { name: 'memory-pressure', namespace: 'default', annotations: { [PAUSE_ANNOTATION]: 'true' } } };
    assert.equal(stressChaosUpdateError(old, longer), CANNOT_UPDATE_CHAOS_SPEC);
    assert.equal(stressChaosUpdateError(old, paused), undefined);
    const result = admitStressChaos(longer, { operation: 'UPDATE', oldObject: old });
    assert.deepEqual(result, { allowed: false, message: denied('Cannot update chaos spec'), errors: [] });
    assert.equal(admitStressChaos(paused, { operation: 'UPDATE', oldObject: old }).allowed, true);
  });

  test('UPDATE compares Go values: a missing list differs from an empty one, a missing string equals ""', () => {
    const base = { mode: 'one', selector: {}, stressors: memory };
    assert.equal(stressChaosUpdateError(chaos(base), chaos({ ...base, containerNames: [] })), CANNOT_UPDATE_CHAOS_SPEC);
    assert.equal(stressChaosUpdateError(chaos(base), chaos({ ...base, value: '' })), undefined);
    assert.equal(stressChaosUpdateError(chaos(base), chaos({ ...base, unknownField: 1 })), undefined);
  });

  test('admissionDeniedMessage: one error as is, duplicates once, several in brackets', () => {
    const e = stressChaosWebhookErrors(chaos({ mode: 'one', selector: {}, stressors: {} }));
    assert.equal(admissionDeniedMessage(e), denied('Spec.Stressors: Invalid value: {}: missing stressors'));
    assert.equal(admissionDeniedMessage([...e, ...e]), denied('Spec.Stressors: Invalid value: {}: missing stressors'));
  });
});

suite('StressChaos mutating webhook and CRD defaults', () => {
  test('selector.namespaces defaults to the object namespace', () => {
    const out = stressChaosDefaults(chaos({ mode: 'one', selector: {}, stressors: memory }, { name: 'x', namespace: 'shop' })) as unknown as StressChaos;
    assert.deepEqual(out.spec.selector.namespaces, ['shop']);
  });
  test('an empty namespaces list is defaulted too, and pods alone do not prevent it', () => {
    const out = stressChaosDefaults(chaos({ mode: 'one', selector: { namespaces: [], pods: { other: ['p'] } }, stressors: memory })) as unknown as StressChaos;
    assert.deepEqual(out.spec.selector.namespaces, ['default']);
  });
  test('explicit namespaces are kept', () => {
    const out = stressChaosDefaults(chaos({ mode: 'one', selector: { namespaces: ['a', 'b'] }, stressors: memory })) as unknown as StressChaos;
    assert.deepEqual(out.spec.selector.namespaces, ['a', 'b']);
  });
  test('without metadata.namespace the request namespace is used', () => {
    const out = stressChaosDefaults(chaos({ mode: 'one', selector: {}, stressors: memory }, { name: 'x' }), 'team-a') as unknown as StressChaos;
    assert.deepEqual(out.spec.selector.namespaces, ['team-a']);
  });
  test('oomScoreAdj defaults to 0; Go zero values fill what the manifest lacked; status gets an empty experiment', () => {
    const input = chaos({ stressors: { memory: { size: '1GB' }, cpu: { load: 50 } } }, { name: 'x', namespace: 'ns' });
    const out = stressChaosDefaults(input);
    assert.deepEqual(out, {
      apiVersion: 'chaos-mesh.org/v1alpha1',
      kind: 'StressChaos',
      metadata: { name: 'x', namespace: 'ns' },
      spec: {
        stressors: { memory: { size: '1GB', workers: 0, oomScoreAdj: 0 }, cpu: { load: 50, workers: 0 } },
        selector: { namespaces: ['ns'] },
        mode: '',
      },
      status: { experiment: {} },
    });
    assert.deepEqual(input.spec, { stressors: { memory: { size: '1GB' }, cpu: { load: 50 } } }, 'the input is not modified');
  });
});

suite('StressChaos status: pause and the dashboard state', () => {
  const created = '2026-08-01T10:00:00Z';
  const conditions = (selected: string, allInjected: string, allRecovered: string, paused: string) => [
    { type: 'Selected', status: selected },
    { type: 'AllInjected', status: allInjected },
    { type: 'AllRecovered', status: allRecovered },
    { type: 'Paused', status: paused },
  ];
  const obj = (extra: { duration?: string; annotations?: Record<string, string>; deletionTimestamp?: string; status?: unknown }) =>
    ({
      apiVersion: 'chaos-mesh.org/v1alpha1',
      kind: 'StressChaos',
      metadata: { name: 'x', namespace: 'default', creationTimestamp: created, annotations: extra.annotations, deletionTimestamp: extra.deletionTimestamp },
      spec: { mode: 'one', selector: {}, stressors: memory, duration: extra.duration },
      status: extra.status,
    }) as unknown as StressChaos;
  const record = (phase: string) => ({ id: 'default/web-0/nginx', selectorKey: '.', phase, injectedCount: 1, recoveredCount: phase === 'Injected' ? 0 : 1 });
  const running = { conditions: conditions('True', 'True', 'False', 'False'), experiment: { desiredPhase: 'Run', containerRecords: [record('Injected')] } };
  const recovered = { conditions: conditions('True', 'False', 'True', 'False'), experiment: { desiredPhase: 'Stop', containerRecords: [record('Not Injected')] } };
  const at = (iso: string) => new Date(iso);

  test('running: Selected and AllInjected are True', () => assert.equal(experimentState(obj({ duration: '30s', status: running }), at('2026-08-01T10:00:10Z')), 'running'));
  test('injecting: no status yet', () => assert.equal(experimentState(obj({ duration: '30s' }), at('2026-08-01T10:00:01Z')), 'injecting'));
  test('finished: duration passed, desiredPhase Stop, every record Not Injected', () =>
    assert.equal(experimentState(obj({ duration: '30s', status: recovered }), at('2026-08-01T10:00:31Z')), 'finished'));
  test('not finished at exactly creation + duration (the stop time must be before now)', () =>
    assert.equal(experimentState(obj({ duration: '30s', status: recovered }), at('2026-08-01T10:00:30Z')), 'injecting'));
  test('without a duration an experiment never finishes', () => assert.equal(experimentState(obj({ status: recovered }), at('2030-01-01T00:00:00Z')), 'injecting'));
  test('paused: the Paused condition wins over finished', () =>
    assert.equal(experimentState(obj({ duration: '30s', status: { ...recovered, conditions: conditions('True', 'False', 'True', 'True') } }), at('2026-08-01T11:00:00Z')), 'paused'));
  test('deleting: a deletionTimestamp wins over everything', () =>
    assert.equal(experimentState(obj({ duration: '30s', status: running, deletionTimestamp: '2026-08-01T10:00:05Z' }), at('2026-08-01T10:00:06Z')), 'deleting'));
  test('only the exact annotation value "true" pauses', () => {
    assert.equal(isPaused(obj({ annotations: { [PAUSE_ANNOTATION]: 'true' } })), true);
    assert.equal(isPaused(obj({ annotations: { [PAUSE_ANNOTATION]: 'True' } })), false);
    assert.equal(isPaused(obj({ annotations: { [PAUSE_ANNOTATION]: 'false' } })), false);
    assert.equal(isPaused(obj({})), false);
  });
});

suite('Go time.ParseDuration', () => {
  const table: [string, bigint | string][] = [
    ['30s', 30_000_000_000n],
    ['1h', 3_600_000_000_000n],
    ['1m30s', 90_000_000_000n],
    ['500ms', 500_000_000n],
    ['1.5h', 5_400_000_000_000n],
    ['0', 0n],
    ['-5s', -5_000_000_000n],
    ['1µs', 1000n],
    ['1μs', 1000n],
    ['.5s', 500_000_000n],
    ['9223372036854775807ns', 9_223_372_036_854_775_807n],
    ['-9223372036854775808ns', -9_223_372_036_854_775_808n],
    ['', 'time: invalid duration ""'],
    ['400S', 'time: unknown unit "S" in duration "400S"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['10min', 'time: unknown unit "min" in duration "10min"'],
    ['30', 'time: missing unit in duration "30"'],
    ['1h 30m', 'time: unknown unit "h " in duration "1h 30m"'],
    ['.s', 'time: invalid duration ".s"'],
    ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['2562048h', 'time: invalid duration "2562048h"'],
    ['5día', 'time: unknown unit "d\\xc3\\xada" in duration "5d\\xc3\\xada"'],
  ];
  for (const [text, expected] of table) {
    test(`${JSON.stringify(text)} → ${String(expected)}`, () =>
      assert.deepEqual(goParseDuration(text), typeof expected === 'bigint' ? { nanoseconds: expected } : { error: expected }));
  }
});

suite('stressorCommandLines: what chaos-daemon runs', () => {
  test('memStress and stress-ng argument vectors, options split on spaces', () => {
    assert.deepEqual(
      stressorCommandLines({ memory: { workers: 4, size: '256MB', options: ['--time 1m'] }, cpu: { workers: 1, load: 100, options: ['--cpu 2', '--timeout 600'] } }),
      {
        memStress: ['--workers', '4', '--size', '256MB', '--time', '1m'],
        stressNg: ['--cpu-load-slice', '10', '--cpu-method', 'sqrt', '--cpu', '1', '--cpu-load', '100', '--cpu', '2', '--timeout', '600'],
      },
    );
  });
  test('a stressor with workers 0 is skipped; a size with a space becomes two words', () => {
    assert.deepEqual(stressorCommandLines({ memory: { workers: 2, size: '256 MB' }, cpu: { workers: 0 } }), { memStress: ['--workers', '2', '--size', '256', 'MB'] });
  });
});
