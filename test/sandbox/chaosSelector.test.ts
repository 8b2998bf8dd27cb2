// Target selection of the sandbox's Chaos Mesh, against pods in a real store: every selector kind,
// every mode, containerNames, and Chaos Mesh's error texts.
import * as assert from 'node:assert/strict';
import { filterByMode, selectPods, selectTargets, targetId } from './chaos/selector';
import type { PodSelectorSpec, StressChaosSpec } from './chaos/types';
import { helloPod } from './chaos/testSupport';
import { Store, type KObject } from './store';

function withStatus(pod: KObject, phase: string, podIP: string): KObject {
  return { ...pod, status: { phase, podIP, podIPs: [{ ip: podIP }] } };
}

function fixture(): Store {
  const store = new Store();
  store.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a', labels: { zone: 'a' } } });
  store.create('nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-b', labels: { zone: 'b' } } });
  const pods: KObject[] = [
    withStatus(helloPod('shop', 'web-1', { labels: { app: 'web', tier: 'front' }, annotations: { team: 'red' }, nodeName: 'node-a' }), 'Running', '127.1.0.1'),
    withStatus(helloPod('shop', 'web-2', { labels: { app: 'web', tier: 'front' }, nodeName: 'node-b' }), 'Running', '127.1.0.2'),
    withStatus(helloPod('shop', 'db-0', { labels: { app: 'db' }, annotations: { team: 'blue' }, nodeName: 'node-a', containers: ['db', 'metrics'] }), 'Pending', '127.1.0.3'),
    withStatus(helloPod('other', 'web-9', { labels: { app: 'web' }, nodeName: 'node-b' }), 'Running', '127.1.0.9'),
  ];
  for (const p of pods) store.create('pods', p);
  return store;
}

const names = (pods: KObject[]): string[] => pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();

suite('chaos selector: which pods a StressChaos selector matches (Chaos Mesh pkg/selector semantics)', () => {
  const cases: { name: string; selector: PodSelectorSpec; want: string[] }[] = [
    { name: 'namespaces alone select every pod of those namespaces', selector: { namespaces: ['shop'] }, want: ['shop/db-0', 'shop/web-1', 'shop/web-2'] },
    { name: 'two namespaces', selector: { namespaces: ['shop', 'other'] }, want: ['other/web-9', 'shop/db-0', 'shop/web-1', 'shop/web-2'] },
    { name: 'labelSelectors are ANDed', selector: { namespaces: ['shop'], labelSelectors: { app: 'web', tier: 'front' } }, want: ['shop/web-1', 'shop/web-2'] },
    { name: 'expressionSelectors In', selector: { namespaces: ['shop'], expressionSelectors: [{ key: 'app', operator: 'In', values: ['db', 'cache'] }] }, want: ['shop/db-0'] },
    { name: 'expressionSelectors NotIn keeps pods without the label', selector: { namespaces: ['shop'], expressionSelectors: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, want: ['shop/db-0'] },
    { name: 'expressionSelectors Exists', selector: { namespaces: ['shop'], expressionSelectors: [{ key: 'tier', operator: 'Exists' }] }, want: ['shop/web-1', 'shop/web-2'] },
    { name: 'expressionSelectors DoesNotExist', selector: { namespaces: ['shop'], expressionSelectors: [{ key: 'tier', operator: 'DoesNotExist' }] }, want: ['shop/db-0'] },
    { name: 'fieldSelectors on metadata.name', selector: { namespaces: ['shop'], fieldSelectors: { 'metadata.name': 'web-2' } }, want: ['shop/web-2'] },
    { name: 'fieldSelectors on status.phase', selector: { namespaces: ['shop'], fieldSelectors: { 'status.phase': 'Pending' } }, want: ['shop/db-0'] },
    { name: 'fieldSelectors on spec.nodeName', selector: { namespaces: ['shop', 'other'], fieldSelectors: { 'spec.nodeName': 'node-b' } }, want: ['other/web-9', 'shop/web-2'] },
    {
      name: 'spec.hostNetwork passes the API server but not Chaos Mesh’s own field set: nothing selected',
      selector: { namespaces: ['shop'], fieldSelectors: { 'spec.hostNetwork': 'false' } },
      want: [],
    },
    { name: 'annotationSelectors', selector: { namespaces: ['shop'], annotationSelectors: { team: 'red' } }, want: ['shop/web-1'] },
    { name: 'nodes', selector: { namespaces: ['shop'], nodes: ['node-a'] }, want: ['shop/db-0', 'shop/web-1'] },
    { name: 'nodeSelectors (labels of nodes)', selector: { namespaces: ['shop', 'other'], nodeSelectors: { zone: 'b' } }, want: ['other/web-9', 'shop/web-2'] },
    { name: 'nodes and nodeSelectors are combined (union of nodes)', selector: { namespaces: ['shop'], nodes: ['node-a'], nodeSelectors: { zone: 'b' } }, want: ['shop/db-0', 'shop/web-1', 'shop/web-2'] },
    { name: 'podPhaseSelectors include', selector: { namespaces: ['shop'], podPhaseSelectors: ['Running'] }, want: ['shop/web-1', 'shop/web-2'] },
    { name: 'podPhaseSelectors exclude with !', selector: { namespaces: ['shop'], podPhaseSelectors: ['!Running'] }, want: ['shop/db-0'] },
    {
      name: 'pods map wins: every other selector is ignored, missing pods are skipped',
      selector: { namespaces: ['nowhere'], labelSelectors: { app: 'nothing' }, pods: { shop: ['db-0', 'gone'], other: ['web-9'] } },
      want: ['other/web-9', 'shop/db-0'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(names(selectPods(fixture(), c.selector)), c.want);
    });
  }

  const errors: { name: string; selector: PodSelectorSpec; message: string }[] = [
    { name: 'an unknown expression operator', selector: { namespaces: ['shop'], expressionSelectors: [{ key: 'app', operator: 'Equals', values: ['x'] }] }, message: 'cannot parse label selector, msg: "Equals" is not a valid label selector operator' },
    {
      name: 'In without values',
      selector: { namespaces: ['shop'], expressionSelectors: [{ key: 'app', operator: 'In', values: [] }] },
      message: "cannot parse label selector, msg: values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    },
    {
      name: 'a label key with a space',
      selector: { namespaces: ['shop'], labelSelectors: { 'app name': 'web' } },
      message: `cannot parse label selector, msg: key: Invalid value: "app name": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    },
    {
      name: 'an empty key prefix and a bad value',
      selector: { namespaces: ['shop'], expressionSelectors: [{ key: '/app', operator: 'In', values: ['web', 'bad value'] }] },
      message: 'cannot parse label selector, msg: key: Invalid value: "/app": prefix part must be non-empty',
    },
    {
      name: 'a label value ending in a dash',
      selector: { namespaces: ['shop'], expressionSelectors: [{ key: 'app', operator: 'NotIn', values: ['web', 'db-'] }] },
      message: `cannot parse label selector, msg: values[1][app]: Invalid value: "db-": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    },
    { name: 'a field the API server does not index', selector: { namespaces: ['shop'], fieldSelectors: { 'spec.priority': '0' } }, message: 'field label not supported: spec.priority' },
    { name: 'an unknown node', selector: { namespaces: ['shop'], nodes: ['node-z'] }, message: 'cannot parse node selector, msg: nodes "node-z" not found' },
    { name: 'a phase selector with a value', selector: { namespaces: ['shop'], podPhaseSelectors: ['phase=Running'] }, message: 'cannot parse phase selector, msg: unsupported operator: =' },
  ];
  for (const c of errors) {
    test(`${c.name} fails the selection with Chaos Mesh's text`, () => {
      assert.throws(() => selectPods(fixture(), c.selector), { message: c.message });
    });
  }
});

suite('chaos selector: mode and value (Chaos Mesh generic.FilterObjectsByMode)', () => {
  const counts: { name: string; mode: string; value?: string; count: number; picked: number }[] = [
    { name: 'one picks exactly one', mode: 'one', count: 7, picked: 1 },
    { name: 'all picks every pod', mode: 'all', count: 7, picked: 7 },
    { name: 'fixed 3 of 7', mode: 'fixed', value: '3', count: 7, picked: 3 },
    { name: 'fixed larger than the pod count picks them all', mode: 'fixed', value: '9', count: 7, picked: 7 },
    { name: 'fixed-percent rounds up: 50% of 7 is 4', mode: 'fixed-percent', value: '50', count: 7, picked: 4 },
    { name: 'fixed-percent 1% of 7 is still 1', mode: 'fixed-percent', value: '1', count: 7, picked: 1 },
    { name: 'fixed-percent 100% is all', mode: 'fixed-percent', value: '100', count: 7, picked: 7 },
  ];
  for (const c of counts) {
    test(c.name, () => {
      const picked = filterByMode(c.mode, c.value, c.count);
      assert.equal(picked.length, c.picked);
      assert.equal(new Set(picked).size, c.picked, 'indexes are distinct');
      assert.ok(picked.every((i) => Number.isInteger(i) && i >= 0 && i < c.count));
    });
  }

  test('all keeps the listing order', () => {
    assert.deepEqual(filterByMode('all', undefined, 4), [0, 1, 2, 3]);
  });

  test('random-max-percent picks between 0 and ceil(count·value/100) pods', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const n = filterByMode('random-max-percent', '50', 10).length;
      assert.ok(n >= 0 && n <= 5, `picked ${n}`);
      seen.add(n);
    }
    assert.ok(seen.size > 1, 'the percentage is drawn at random');
  });

  const modeErrors: { mode: string; value?: string; count: number; message: string }[] = [
    { mode: 'all', count: 0, message: 'cannot generate objects from empty list' },
    { mode: 'fixed', value: 'num', count: 3, message: 'strconv.Atoi: parsing "num": invalid syntax' },
    { mode: 'fixed', value: '0', count: 3, message: 'cannot select any object as value below or equal 0' },
    { mode: 'fixed-percent', value: '101', count: 3, message: 'fixed percentage value of 101 is invalid, Must be (0,100]' },
    { mode: 'random-max-percent', value: '-1', count: 3, message: 'fixed percentage value of -1 is invalid, Must be [0-100]' },
    { mode: 'some', count: 3, message: 'mode some not supported' },
  ];
  for (const c of modeErrors) {
    test(`${c.mode} ${c.value ?? ''} over ${c.count} pods: ${c.message}`, () => {
      assert.throws(() => filterByMode(c.mode, c.value, c.count), { message: c.message });
    });
  }
});

suite('chaos selector: targets are containers', () => {
  const spec = (extra: Partial<StressChaosSpec>): StressChaosSpec => ({ mode: 'all', selector: { namespaces: ['shop'] }, stressors: { memory: { workers: 1 } }, ...extra });

  test('without containerNames every picked pod gives its first container, id <ns>/<pod>/<container>', () => {
    assert.deepEqual(selectTargets(fixture(), spec({})).map(targetId).sort(), ['shop/db-0/db', 'shop/web-1/hello-kubernetes', 'shop/web-2/hello-kubernetes']);
  });

  test('containerNames picks the named containers and skips pods that have none of them', () => {
    assert.deepEqual(selectTargets(fixture(), spec({ containerNames: ['metrics', 'nope'] })).map(targetId), ['shop/db-0/metrics']);
  });

  test('no matching pod: "no pod is selected"', () => {
    assert.throws(() => selectTargets(fixture(), spec({ selector: { namespaces: ['empty'] } })), { message: 'no pod is selected' });
  });
});
