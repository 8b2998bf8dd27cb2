import { strict as assert } from 'node:assert';
import { subjectFromArgs } from '../../../src/extension/results/subjectArgs';

suite('showResults arguments (src/extension/results/subjectArgs.ts)', () => {
  const cases: { name: string; arg: unknown; want: unknown }[] = [
    { name: 'an experiment by namespace and name (the CodeLens)', arg: { context: 'prod', namespace: 'ns', name: 'exp' }, want: { kind: 'experiment', context: 'prod', namespace: 'ns', name: 'exp' } },
    { name: 'no context: the current one', arg: { namespace: 'ns', name: 'exp' }, want: { kind: 'experiment', context: 'cur', namespace: 'ns', name: 'exp' } },
    { name: 'a pod (Show memory)', arg: { namespace: 'ns', pod: 'p' }, want: { kind: 'pod', context: 'cur', namespace: 'ns', pod: 'p' } },
    { name: 'a pod and container', arg: { namespace: 'ns', pod: 'p', container: 'c' }, want: { kind: 'pod', context: 'cur', namespace: 'ns', pod: 'p', container: 'c' } },
    { name: 'a pod row of the tree', arg: { contextValue: 'podMemoryChaos.pod.running.burstable', context: 'k', namespace: 'ns', name: 'p' }, want: { kind: 'pod', context: 'k', namespace: 'ns', pod: 'p' } },
    { name: 'a container row of the tree', arg: { contextValue: 'podMemoryChaos.container.running', namespace: 'ns', pod: 'p', name: 'c' }, want: { kind: 'pod', context: 'cur', namespace: 'ns', pod: 'p', container: 'c' } },
    // The objects the Pods view really hands to its menu commands (PodsNode), literal shapes:
    { name: 'the Pods view\'s pod node (right-click → Show Memory Results)', arg: { kind: 'pod', id: 'pod/k/ns/p', context: 'k', namespace: 'ns', name: 'p' }, want: { kind: 'pod', context: 'k', namespace: 'ns', pod: 'p' } },
    { name: 'the Pods view\'s container node', arg: { kind: 'container', id: 'container/k/ns/p/c', context: 'k', namespace: 'ns', pod: 'p', name: 'c' }, want: { kind: 'pod', context: 'k', namespace: 'ns', pod: 'p', container: 'c' } },
    { name: 'a namespace alone names nothing', arg: { namespace: 'ns' }, want: undefined },
    { name: 'a string is not an argument', arg: 'ns/exp', want: undefined },
    { name: 'empty strings are missing values', arg: { namespace: '', name: 'exp' }, want: undefined },
  ];
  for (const c of cases) test(c.name, () => assert.deepEqual(subjectFromArgs(c.arg, 'cur'), c.want));
  test('without a current context and none given, nothing', () => assert.equal(subjectFromArgs({ namespace: 'ns', name: 'e' }, undefined), undefined));
});
