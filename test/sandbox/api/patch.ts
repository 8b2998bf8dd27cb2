// The three patch formats the apiserver accepts for custom resources: JSON merge patch
// (RFC 7386), JSON patch (RFC 6902) and server-side apply (approximated as a merge of the
// applied configuration, which is what kubectl and client-node observably need: wire doc §5.1).
import { ApiError } from '../store';

type Json = unknown;
const isObj = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386: objects merge recursively, `null` deletes, everything else (arrays too) replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

const unescape = (t: string) => t.replace(/~1/g, '/').replace(/~0/g, '~');

function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw bad(`invalid JSON pointer "${p}"`);
  return p.slice(1).split('/').map(unescape);
}

const bad = (m: string) => new ApiError(422, 'Invalid', m);

function parentOf(doc: Json, tokens: string[], path: string): { parent: Record<string, Json> | Json[]; key: string } {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw bad(`the server rejected our request due to an error in our request: doc is missing path: "${path}": missing value`);
  }
  if (!Array.isArray(cur) && !isObj(cur)) throw bad(`the server rejected our request due to an error in our request: doc is missing path: "${path}": missing value`);
  return { parent: cur, key: tokens[tokens.length - 1] };
}

function getAt(doc: Json, path: string): Json {
  let cur = doc;
  for (const t of parsePointer(path)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObj(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw bad(`the server rejected our request due to an error in our request: doc is missing path: "${path}": missing value`);
  }
  return cur;
}

function removeAt(doc: Json, path: string): Json {
  const tokens = parsePointer(path);
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!(i >= 0 && i < parent.length)) throw bad(`the server rejected our request due to an error in our request: doc is missing path: "${path}": missing value`);
    return parent.splice(i, 1)[0];
  }
  if (!(key in parent)) throw bad(`the server rejected our request due to an error in our request: doc is missing path: "${path}": missing value`);
  const v = parent[key];
  delete parent[key];
  return v;
}

function addAt(doc: Json, path: string, value: Json, replace: boolean): Json {
  const tokens = parsePointer(path);
  if (tokens.length === 0) return structuredClone(value);
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!(Number.isInteger(i) && i >= 0 && i <= parent.length - (replace ? 1 : 0))) throw bad(`the server rejected our request due to an error in our request: unable to access invalid index: ${key}`);
    parent.splice(i, replace ? 1 : 0, structuredClone(value));
  } else {
    if (replace && !(key in parent)) throw bad(`the server rejected our request due to an error in our request: doc is missing key: ${path}: missing value`);
    parent[key] = structuredClone(value);
  }
  return doc;
}

/** RFC 6902, with the apiserver's 422 wording for failures. */
export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw new ApiError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = structuredClone(target);
  for (const op of ops) {
    if (!isObj(op) || typeof op.op !== 'string' || typeof op.path !== 'string') throw bad('the server rejected our request due to an error in our request: invalid operation');
    switch (op.op) {
      case 'add': doc = addAt(doc, op.path, op.value, false); break;
      case 'replace': doc = addAt(doc, op.path, op.value, true); break;
      case 'remove': removeAt(doc, op.path); break;
      case 'move': { const v = removeAt(doc, String(op.from)); doc = addAt(doc, op.path, v, false); break; }
      case 'copy': doc = addAt(doc, op.path, getAt(doc, String(op.from)), false); break;
      case 'test':
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) {
          throw bad(`the server rejected our request due to an error in our request: testing value ${op.path} failed: test failed`);
        }
        break;
      default: throw bad(`the server rejected our request due to an error in our request: Unexpected kind: ${op.op}`);
    }
  }
  return doc;
}

const DIRECTIVE = /^\$(setElementOrder|deleteFromPrimitiveList|retainKeys)\//;

/**
 * Strategic merge patch, as far as built-in kinds need it here: like a merge patch, but lists of
 * objects with a `name` (containers, env, ports with names, volumeMounts…) merge item by item by
 * name, `$patch: delete` removes an item, and `$setElementOrder/…` fixes the order.
 */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObj(target) ? { ...target } : {};
  if (patch.$patch === 'replace') {
    const rest = { ...patch };
    delete rest.$patch;
    return structuredClone(rest);
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || DIRECTIVE.test(k)) continue;
    if (v === null) delete out[k];
    else if (Array.isArray(v) && Array.isArray(out[k]) && byName(v) && byName(out[k] as Json[])) {
      const merged = (out[k] as Array<Record<string, Json>>).map((x) => structuredClone(x));
      for (const item of v as Array<Record<string, Json>>) {
        const i = merged.findIndex((x) => x.name === item.name);
        if (item.$patch === 'delete') {
          if (i >= 0) merged.splice(i, 1);
        } else if (i >= 0) merged[i] = strategicMergePatch(merged[i], item) as Record<string, Json>;
        else merged.push(strategicMergePatch({}, item) as Record<string, Json>);
      }
      const order = patch[`$setElementOrder/${k}`];
      if (Array.isArray(order)) {
        const rank = (x: Record<string, Json>) => {
          const r = order.findIndex((o) => isObj(o) && o.name === x.name);
          return r < 0 ? order.length : r;
        };
        merged.sort((a, b) => rank(a) - rank(b));
      }
      out[k] = merged;
    } else out[k] = strategicMergePatch(out[k], v);
  }
  return out;
}

const byName = (a: Json[]): boolean => a.length > 0 && a.every((x) => isObj(x) && typeof x.name === 'string');
