// The sandbox Chaos Mesh's admission: what `admit` stores (defaults) and what it refuses, with the
// Status kube-apiserver answers when Chaos Mesh's validating webhook denies a request.
import * as assert from 'node:assert/strict';
import { ChaosMeshController } from './chaos/controller';
import { stressChaos } from './chaos/testSupport';
import { Kubelet } from './kubelet';
import { ApiError, Store, type KObject } from './store';

const DENIED = 'admission webhook "vstresschaos.kb.io" denied the request: ';

function controller(): ChaosMeshController {
  const store = new Store();
  // A kubelet that is never started: admission needs no node.
  return new ChaosMeshController(store, new Kubelet(store, { nodeNames: ['n'], instanceName: `webhook-${process.pid}` }));
}

const memory = (extra: Record<string, unknown> = {}) => ({ memory: { workers: 1, size: '50MiB', ...extra } });

function deny(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${e}`);
    return e;
  }
  assert.fail('the request was admitted');
}

suite('chaos webhook: defaults (mstresschaos.kb.io and the CRD schema)', () => {
  test('an empty selector namespace list becomes the object’s namespace; oomScoreAdj defaults to 0', () => {
    const stored = controller().admit('CREATE', stressChaos('hello', 'm', { mode: 'one', selector: {}, stressors: memory() }));
    const spec = stored.spec as { selector: { namespaces: string[] }; stressors: { memory: { oomScoreAdj: number } } };
    assert.deepEqual(spec.selector.namespaces, ['hello']);
    assert.equal(spec.stressors.memory.oomScoreAdj, 0);
  });

  test('namespaces given are kept, even with a pods map', () => {
    const stored = controller().admit('CREATE', stressChaos('hello', 'm', { mode: 'all', selector: { namespaces: ['a', 'b'], pods: { c: ['p'] } }, stressors: memory() }));
    assert.deepEqual((stored.spec as { selector: { namespaces: string[] } }).selector.namespaces, ['a', 'b']);
  });

  test('the admitted object is a copy: the request is not modified', () => {
    const request = stressChaos('hello', 'm', { mode: 'one', selector: {}, stressors: memory() });
    const before = structuredClone(request);
    controller().admit('CREATE', request);
    assert.deepEqual(request, before);
  });
});

suite('chaos webhook: each validating rule denies the request with Chaos Mesh’s message', () => {
  const cases: { name: string; spec: Record<string, unknown>; detail: string }[] = [
    {
      name: '"256Mi" is rejected: Chaos Mesh wants MiB',
      spec: { mode: 'one', selector: { namespaces: ['hello'] }, stressors: memory({ size: '256Mi' }) },
      detail: 'Spec.Stressors.MemoryStressor.Size: Invalid value: "256Mi": incorrect bytes format: invalid suffix: \'mi\'',
    },
    {
      name: 'a percentage over 100',
      spec: { mode: 'one', selector: { namespaces: ['hello'] }, stressors: memory({ size: '101%' }) },
      detail: 'Spec.Stressors.MemoryStressor.Size: Invalid value: "101%": incorrect bytes format: illegal proportion',
    },
    {
      name: 'a duration in capital seconds',
      spec: { mode: 'one', selector: { namespaces: ['hello'] }, stressors: memory(), duration: '400S' },
      detail: 'Spec.Duration: Invalid value: "400S": parse duration field error: time: unknown unit "S" in duration "400S"',
    },
    {
      name: 'a duration in days',
      spec: { mode: 'one', selector: { namespaces: ['hello'] }, stressors: memory(), duration: '1d' },
      detail: 'Spec.Duration: Invalid value: "1d": parse duration field error: time: unknown unit "d" in duration "1d"',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const err = deny(() => controller().admit('CREATE', stressChaos('hello', 'bad', c.spec)));
      assert.equal(err.code, 403);
      assert.equal(err.reason, 'Forbidden');
      assert.equal(err.message, `${DENIED}${c.detail}`);
      // The webhook's own Result, as kube-apiserver passes it on: no details.
      assert.deepEqual(err.toStatus(), {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: err.message,
        reason: 'Forbidden',
        code: 403,
      });
    });
  }

  test('no stressors at all: "missing stressors" on Spec, the spec printed as Go JSON', () => {
    const err = deny(() => controller().admit('CREATE', stressChaos('hello', 'empty', { mode: 'one', selector: {} })));
    assert.match(err.message, /^admission webhook "vstresschaos\.kb\.io" denied the request: Spec: Invalid value: \{.*"namespaces":\["hello"\].*\}: missing stressors$/);
  });

  test('several errors are aggregated as [e1, e2], breadth first (Spec.Duration before the nested size)', () => {
    const err = deny(() =>
      controller().admit('CREATE', stressChaos('hello', 'two', { mode: 'one', selector: { namespaces: ['hello'] }, stressors: memory({ size: '1x' }), duration: '10min' })),
    );
    assert.equal(
      err.message,
      `${DENIED}[Spec.Duration: Invalid value: "10min": parse duration field error: time: unknown unit "min" in duration "10min", Spec.Stressors.MemoryStressor.Size: Invalid value: "1x": incorrect bytes format: invalid suffix: 'x']`,
    );
  });

  test('fixed mode with a non-numeric value', () => {
    const err = deny(() => controller().admit('CREATE', stressChaos('hello', 'f', { mode: 'fixed', value: 'num', selector: { namespaces: ['hello'] }, stressors: memory() })));
    assert.match(err.message, /parse value field error:strconv\.Atoi: parsing "num": invalid syntax/);
  });

  test('a generated name is not known yet: the denial is the same, naming no object', () => {
    const obj: KObject = { apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos', metadata: { generateName: 'mem-', namespace: 'hello' }, spec: { mode: 'one', selector: {} } };
    const err = deny(() => controller().admit('CREATE', obj));
    assert.ok(err.message.startsWith(DENIED), err.message);
    assert.equal(err.toStatus().details, undefined);
  });
});

suite('chaos webhook: updates', () => {
  const spec = { mode: 'one', selector: {}, stressors: memory() };

  test('changing the spec is refused with "Cannot update chaos spec"', () => {
    const c = controller();
    const stored = c.admit('CREATE', stressChaos('hello', 'm', spec));
    const edited = structuredClone(stored);
    (edited.spec as { stressors: { memory: { size: string } } }).stressors.memory.size = '100MiB';
    const err = deny(() => c.admit('UPDATE', edited, stored));
    assert.equal(err.code, 403);
    assert.equal(err.message, `${DENIED}Cannot update chaos spec`);
  });

  test('re-applying the same manifest (namespaces defaulted again) is not a change', () => {
    const c = controller();
    const stored = c.admit('CREATE', stressChaos('hello', 'm', spec));
    const again = c.admit('UPDATE', { ...stressChaos('hello', 'm', spec), status: stored.status }, stored);
    assert.deepEqual(again.spec, stored.spec);
  });

  test('pausing (an annotation) is allowed', () => {
    const c = controller();
    const stored = c.admit('CREATE', stressChaos('hello', 'm', spec));
    const paused = structuredClone(stored);
    paused.metadata.annotations = { 'experiment.chaos-mesh.org/pause': 'true' };
    assert.equal(c.admit('UPDATE', paused, stored).metadata.annotations?.['experiment.chaos-mesh.org/pause'], 'true');
  });

  test('an empty containerNames list differs from none (Go reflect.DeepEqual of nil and empty slices)', () => {
    const c = controller();
    const stored = c.admit('CREATE', stressChaos('hello', 'm', spec));
    const edited = structuredClone(stored);
    (edited.spec as { containerNames: string[] }).containerNames = [];
    assert.match(deny(() => c.admit('UPDATE', edited, stored)).message, /Cannot update chaos spec$/);
  });
});
