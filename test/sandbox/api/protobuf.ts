// Just enough of Kubernetes' protobuf encoding to read what kubectl 1.33 sends as protobuf to
// the sandbox: `kubectl create namespace NAME` (a v1 Namespace) and `kubectl auth can-i` (an
// authorization.k8s.io/v1 SelfSubjectAccessReview), each in a runtime.Unknown envelope after the
// magic "k8s\0". Everything else is JSON.
import { ApiError, type KObject } from '../store';

type Field = { no: number; wire: number; value: bigint | Buffer };

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint');
      const b = buf[i++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ no, wire, value: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      if (i + len > buf.length) throw new Error('truncated field');
      out.push({ no, wire, value: buf.subarray(i, i + len) });
      i += len;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: Field | undefined) => (f && Buffer.isBuffer(f.value) ? f.value.toString('utf8') : undefined);
const msg = (f: Field | undefined) => (f && Buffer.isBuffer(f.value) ? fields(f.value) : []);

function stringMap(entries: Field[]): Record<string, string> | undefined {
  if (!entries.length) return undefined;
  const m: Record<string, string> = {};
  for (const e of entries) {
    const kv = msg(e);
    m[str(kv.find((x) => x.no === 1)) ?? ''] = str(kv.find((x) => x.no === 2)) ?? '';
  }
  return m;
}

/** Decodes a protobuf body: a v1 Namespace (name, generateName, labels, annotations) or a SelfSubjectAccessReview spec. */
export function decodeProtobuf(body: Buffer): KObject {
  try {
    if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('missing the k8s protobuf magic');
    const unknown = fields(body.subarray(4));
    const typeMeta = msg(unknown.find((f) => f.no === 1));
    const kind = str(typeMeta.find((f) => f.no === 2));
    const apiVersion = str(typeMeta.find((f) => f.no === 1));
    const raw = fields((unknown.find((f) => f.no === 2)?.value as Buffer | undefined) ?? Buffer.alloc(0));
    if (kind === 'Namespace' && apiVersion === 'v1') {
      const meta = msg(raw.find((f) => f.no === 1));
      const labels = stringMap(meta.filter((f) => f.no === 11));
      const annotations = stringMap(meta.filter((f) => f.no === 12));
      const name = str(meta.find((f) => f.no === 1));
      const generateName = str(meta.find((f) => f.no === 2));
      return {
        apiVersion, kind,
        metadata: { ...(name ? { name } : {}), ...(generateName ? { generateName } : {}), ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
        spec: {},
      };
    }
    if (kind === 'SelfSubjectAccessReview' && apiVersion === 'authorization.k8s.io/v1') {
      const spec = msg(raw.find((f) => f.no === 2));
      const attributes = (f: Field | undefined, names: string[]) => {
        const m = msg(f);
        if (!f) return undefined;
        return Object.fromEntries(names.map((n, i) => [n, str(m.find((x) => x.no === i + 1))]).filter(([, v]) => v !== undefined));
      };
      const resourceAttributes = attributes(spec.find((f) => f.no === 1), ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name']);
      const nonResourceAttributes = attributes(spec.find((f) => f.no === 2), ['path', 'verb']);
      return { apiVersion, kind, metadata: {}, spec: { ...(resourceAttributes ? { resourceAttributes } : {}), ...(nonResourceAttributes ? { nonResourceAttributes } : {}) } };
    }
    throw new Error(`got ${apiVersion} ${kind}`);
  } catch (e) {
    throw new ApiError(415, 'UnsupportedMediaType', `the sandbox reads protobuf only for v1 Namespace and SelfSubjectAccessReview; send JSON (application/json): ${(e as Error).message}`);
  }
}
