// Label and field selectors with kube-apiserver's grammar and error answers (400 BadRequest).
import { ApiError, type KObject } from '../store';
import type { ResourceDef } from './resources';

type LabelReq =
  | { op: 'exists' | 'notexists'; key: string }
  | { op: 'in' | 'notin'; key: string; values: string[] };

export type Predicate = (o: KObject) => boolean;

/** Splits on commas that are not inside parentheses: `a in (x,y),b` → [`a in (x,y)`, `b`]. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter((x) => x !== '');
}

export function parseLabelSelector(sel: string): Predicate {
  const reqs: LabelReq[] = [];
  for (const part of splitTop(sel)) {
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      reqs.push({ op: m[2] as 'in' | 'notin', key: m[1], values: m[3].split(',').map((x) => x.trim()) });
    } else if ((m = part.match(/^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/))) {
      reqs.push({ op: m[2] === '!=' ? 'notin' : 'in', key: m[1], values: [m[3]] });
    } else if ((m = part.match(/^!\s*([^\s!=()]+)$/))) {
      reqs.push({ op: 'notexists', key: m[1] });
    } else if ((m = part.match(/^([^\s!=()]+)$/))) {
      reqs.push({ op: 'exists', key: m[1] });
    } else {
      throw new ApiError(400, 'BadRequest', `unable to parse requirement: found '${part}', expected: identifier`);
    }
  }
  return (o) => {
    const labels = o.metadata.labels ?? {};
    return reqs.every((r) => {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      switch (r.op) {
        case 'exists': return has;
        case 'notexists': return !has;
        case 'in': return has && r.values.includes(labels[r.key]);
        case 'notin': return !has || !r.values.includes(labels[r.key]);
      }
    });
  };
}

export function parseFieldSelector(sel: string, def: ResourceDef): Predicate {
  const terms: Array<{ get: (o: KObject) => string | undefined; value: string; negate: boolean }> = [];
  for (const part of sel.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = part.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw new ApiError(400, 'BadRequest', `invalid selector: '${sel}'; can't understand '${part}'`);
    const [, field, op, value] = m;
    let get: ((o: KObject) => string | undefined) | undefined;
    if (field === 'metadata.name') get = (o) => o.metadata.name;
    else if (field === 'metadata.namespace' && def.namespaced) get = (o) => o.metadata.namespace ?? '';
    else get = def.fields?.[field];
    if (!get) throw new ApiError(400, 'BadRequest', `field label not supported: ${field}`);
    terms.push({ get, value, negate: op === '!=' });
  }
  return (o) => terms.every((t) => (t.get(o) === t.value) !== t.negate);
}

export function selectorPredicate(def: ResourceDef, query: URLSearchParams): Predicate {
  const preds: Predicate[] = [];
  const ls = query.get('labelSelector');
  if (ls) preds.push(parseLabelSelector(ls));
  const fs = query.get('fieldSelector');
  if (fs) preds.push(parseFieldSelector(fs, def));
  return (o) => preds.every((p) => p(o));
}
