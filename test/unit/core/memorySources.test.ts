import { strict as assert } from 'node:assert';
import { MemorySourceError, parseNodeSummary, parsePodMetricsList } from '../../../src/core/memorySources';

// A Summary API answer in the shape of k8s.io/kubelet stats/v1alpha1 (field names from types.go),
// trimmed to the fields that matter, with the values a kubelet sends (bytes as JSON numbers).
const SUMMARY = {
  node: {
    nodeName: 'sandbox-node',
    systemContainers: [{ name: 'pods', memory: { time: '2026-12-05T20:00:00Z', workingSetBytes: 1 } }],
    memory: { time: '2026-12-05T20:00:00Z', availableBytes: 20000000000, usageBytes: 6000000000, workingSetBytes: 5000000000, rssBytes: 3000000000, pageFaults: 10, majorPageFaults: 1 },
  },
  pods: [
    {
      podRef: { name: 'hello-kubernetes-7c9d8b6f5-x2k4p', namespace: 'hello-kubernetes', uid: 'u1' },
      memory: { time: '2026-12-05T20:00:01Z', usageBytes: 90000000, workingSetBytes: 80000000 },
      containers: [
        {
          name: 'hello-kubernetes',
          startTime: '2026-12-05T19:00:00Z',
          memory: { time: '2026-12-05T20:00:01Z', availableBytes: 444288000, usageBytes: 90000000, workingSetBytes: 80000000, rssBytes: 70000000, pageFaults: 12345, majorPageFaults: 6 },
        },
        // cAdvisor without memory for the container: only time and a 0 working set, or nothing
        { name: 'starting', memory: {} },
      ],
    },
  ],
};

suite('parseNodeSummary (kubelet Summary API)', () => {
  test('reads each container\'s working set, usage, RSS, page faults and the sample\'s own time', () => {
    const s = parseNodeSummary(SUMMARY);
    assert.equal(s.nodeName, 'sandbox-node');
    const c = s.pods[0]!.containers[0]!;
    assert.deepEqual(c, {
      name: 'hello-kubernetes',
      memory: { time: '2026-12-05T20:00:01Z', workingSetBytes: 80000000n, usageBytes: 90000000n, rssBytes: 70000000n, pageFaults: 12345n, majorPageFaults: 6n, availableBytes: 444288000n, source: 'summary' },
    });
    assert.equal(s.pods[0]!.uid, 'u1');
    assert.equal(s.pods[0]!.memory?.workingSetBytes, 80000000n);
    assert.equal(s.memory?.availableBytes, 20000000000n);
  });
  test('a container without a memory sample has memory undefined (not 0)', () => {
    assert.equal(parseNodeSummary(SUMMARY).pods[0]!.containers[1]!.memory, undefined);
  });
  test('a node without pods has an empty list', () => assert.deepEqual(parseNodeSummary({ node: { nodeName: 'n' } }).pods, []));
  test('a non-Summary answer is refused, naming what is wrong', () => {
    assert.throws(() => parseNodeSummary({ kind: 'Status' }), MemorySourceError);
    assert.throws(() => parseNodeSummary({ node: { nodeName: 'n' }, pods: [{ podRef: { name: 'p', namespace: 'ns' }, containers: [{ name: 'c', memory: { time: 't', workingSetBytes: -1 } }] }] }), /pods\[0\]\.containers\[0\]\.memory\.workingSetBytes is not a whole number/);
  });  test('with a problems list, a malformed pod entry is left out with why, and the other pods are read', () => {
    const bad = { podRef: { name: 'bad', namespace: 'ns' }, containers: [{ name: 'c', memory: { time: 't', workingSetBytes: 'a lot' } }] };
    const problems: string[] = [];
    const summary = parseNodeSummary({ ...SUMMARY, pods: [bad, ...SUMMARY.pods, { podRef: 'nope' }] }, problems);
    assert.deepEqual(summary.pods.map((p) => p.name), ['hello-kubernetes-7c9d8b6f5-x2k4p']);
    assert.deepEqual(problems, ['pod bad: pods[0].containers[0].memory.workingSetBytes is not a whole number of bytes: "a lot"', 'pods[2].podRef is missing']);
    assert.throws(() => parseNodeSummary({ ...SUMMARY, pods: [bad] }), /pod bad: /, 'without the list it still refuses');
  });
});

suite('parsePodMetricsList (metrics.k8s.io/v1beta1)', () => {
  const LIST = {
    kind: 'PodMetricsList',
    apiVersion: 'metrics.k8s.io/v1beta1',
    items: [
      {
        metadata: { name: 'p', namespace: 'ns', creationTimestamp: '2026-08-25T10:11:27Z' },
        timestamp: '2026-08-25T10:11:12Z',
        window: '15.012s',
        containers: [
          { name: 'app', usage: { cpu: '2345678n', memory: '52340Ki' } },
          { name: 'exact', usage: { cpu: '0', memory: '1536' } },
        ],
      },
    ],
  };
  test('the working set comes from usage.memory (a BinarySI quantity), with the metrics timestamp', () => {
    const [p] = parsePodMetricsList(LIST);
    assert.equal(p!.namespace, 'ns');
    assert.deepEqual(p!.containers[0], { name: 'app', memory: { time: '2026-08-25T10:11:12Z', workingSetBytes: 52340n * 1024n, source: 'metrics' } });
    assert.equal(p!.containers[1]!.memory?.workingSetBytes, 1536n);
    assert.equal(p!.containers[0]!.memory?.usageBytes, undefined, 'metrics.k8s.io has no usage');
  });
  test('a single PodMetrics is read too', () => assert.equal(parsePodMetricsList({ ...LIST.items[0], kind: 'PodMetrics' }).length, 1));
  test('a bad quantity is refused with the field', () => {
    assert.throws(() => parsePodMetricsList({ items: [{ metadata: { name: 'p', namespace: 'n' }, timestamp: 't', containers: [{ name: 'c', usage: { memory: '12 Mi' } }] }] }), /items\[0\]\.containers\[0\]\.usage\.memory/);
  });
  test('with a problems list, an item of the wrong types is left out with why, and the others are read', () => {
    const problems: string[] = [];
    const pods = parsePodMetricsList({ items: [{ metadata: { name: 'bad', namespace: 'n' }, timestamp: 't', containers: [{ name: 'c', usage: { memory: { value: 'lots' } } }] }, ...LIST.items] }, problems);
    assert.deepEqual(pods.map((p) => p.name), ['p']);
    assert.deepEqual(problems, ['pod bad: items[0].containers[0].usage.memory is not a quantity: {"value":"lots"}']);
  });
});
