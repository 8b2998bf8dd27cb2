// Just enough of Kubernetes' protobuf encoding to read what kubectl 1.33 sends as protobuf for
// the one kind the sandbox lets it create that way: `kubectl create namespace NAME` (a
// runtime.Unknown envelope after the magic "k8s\0", holding a v1.Namespace). Everything else is JSON.
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

/** Decodes a protobuf-encoded v1 Namespace (metadata name, generateName, labels, annotations). */
export function decodeProtobufNamespace(body: Buffer): KObject {
  try {
    if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('missing the k8s protobuf magic');
    const unknown = fields(body.subarray(4));
    const typeMeta = msg(unknown.find((f) => f.no === 1));
    const kind = str(typeMeta.find((f) => f.no === 2));
    const apiVersion = str(typeMeta.find((f) => f.no === 1));
    if (kind !== 'Namespace' || apiVersion !== 'v1') throw new Error(`only v1 Namespace is read from protobuf, got ${apiVersion} ${kind}`);
    const ns = fields(unknown.find((f) => f.no === 2)?.value as Buffer ?? Buffer.alloc(0));
    const meta = msg(ns.find((f) => f.no === 1));
    const labels = stringMap(meta.filter((f) => f.no === 11));
    const annotations = stringMap(meta.filter((f) => f.no === 12));
    return {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        ...(str(meta.find((f) => f.no === 1)) ? { name: str(meta.find((f) => f.no === 1)) } : {}),
        ...(str(meta.find((f) => f.no === 2)) ? { generateName: str(meta.find((f) => f.no === 2)) } : {}),
        ...(labels ? { labels } : {}),
        ...(annotations ? { annotations } : {}),
      },
      spec: {},
    };
  } catch (e) {
    throw new ApiError(415, 'UnsupportedMediaType', `the sandbox reads protobuf only for v1 Namespace; send JSON (application/json): ${(e as Error).message}`);
  }
}
