/**
 * Validation of StressChaos YAML as you type: YAML syntax, our CRD schema (stressChaosSchema.ts),
 * Chaos Mesh's validating webhook (stressChaos.ts), and what Chaos Mesh accepts but does not do what the
 * author thinks (chaos-mesh.md §4, §9): memStress's reading of `size` and `options`, `workers: 0`,
 * `stressngStressors`, a missing `duration`…
 *
 * Every diagnostic points at the offending key or value (0-based line/column, UTF-16 columns as editors
 * use them) and carries a stable `code` for quick fixes (see {@link DIAGNOSTIC_CODES}).
 *
 * Documents: every StressChaos (`chaos-mesh.org/v1alpha1`) document of a multi-document text; also the
 * StressChaos specs embedded in a Schedule (`spec.stressChaos`) and in Workflow templates
 * (`templates[].stressChaos`, `templates[].schedule.stressChaos`). Other documents are ignored, except
 * that a YAML syntax error is reported wherever it is.
 *
 * YAML is read with the `yaml` package's YAML 1.2 core schema. kubectl reads YAML 1.1-style (go-yaml v2):
 * the two agree on everything a StressChaos normally contains; `yes`/`no`/`on`/`off` are the notable
 * exceptions (booleans for kubectl, strings here).
 */
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import {
  CHAOS_MESH_API_VERSION,
  goParseDuration,
  isRecord,
  valueAt,
  specWebhookErrors,
  STRESS_CHAOS_KIND,
  type WebhookFieldError,
} from './stressChaos';
import { formatBytes } from './quantity';
import { TextLines } from './textLines';
import { DNS1123_SUBDOMAIN_RE, dns1123SubdomainErrors, labelValueErrors, qualifiedNameErrors } from './labels';
import { stressChaosSchemaViolations, stressChaosSpecSchemaViolations, knownFieldsAt, type SchemaViolation } from './stressChaosSchema';
import {
  goFields,
  memStressParseArgument,
  memStressReadSize,
  parseStressSize,
  perWorkerBytes,
  StressSizeError,
  suggestStressSize,
} from './stressSize';

export interface StressChaosDiagnostic {
  severity: 'error' | 'warning' | 'info';
  /** Stable identifier, one of {@link DIAGNOSTIC_CODES}. */
  code: string;
  message: string;
  /** 0-based position of the offending key or value. */
  line: number;
  column: number;
  /** 0-based end of the offending node (exclusive). */
  endLine?: number;
  endColumn?: number;
  /** JSON path of the offending field inside its document, when there is one. */
  path?: (string | number)[];
  /** Index of the YAML document in a multi-document text. */
  document?: number;
  /** Edits that repair the problem (quick fixes), when the repair is clear. */
  fixes?: StressChaosFix[];
}

/** A text replacement: 0-based, end exclusive; an insertion has start = end. */
export interface TextEdit {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  newText: string;
}

export interface StressChaosFix {
  /** What the fix does, as a command title: "Write `256MiB`". */
  title: string;
  edits: TextEdit[];
  /** The fix a user most likely wants (VS Code: `isPreferred`). */
  preferred?: boolean;
}

/** Values validateStressChaos puts into the fixes it offers (the settings' defaults, see STRESS_DEFAULTS). */
export interface ValidateOptions {
  /** The duration an "add a duration" fix writes. */
  defaultDuration?: string;
  /** The size an "add a size" fix writes. */
  defaultSize?: string;
}

/**
 * Defaults of a new stress: the settings `podMemoryChaos.stress.default*` (package.json) and the snippets
 * use the same values (a unit test holds them together).
 */
export const STRESS_DEFAULTS = { size: '256MB', workers: 1, duration: '60s' } as const;

/** Every code validateStressChaos emits, with its severity. */
export const DIAGNOSTIC_CODES = {
  // YAML
  'yaml-syntax': 'error',
  // CRD schema
  'required-field': 'error',
  'unknown-field': 'error',
  'wrong-type': 'error',
  'value-not-string': 'error',
  'unsupported-value': 'error',
  'out-of-range': 'error',
  // the API server's object metadata rules
  'missing-name': 'error',
  'invalid-name': 'error',
  // Chaos Mesh's validating webhook
  'missing-stressors': 'error',
  'invalid-duration': 'error',
  'invalid-value': 'error',
  'size-kubernetes-quantity': 'error',
  'invalid-size': 'error',
  // Workflow webhook
  'workflow-duration': 'error',
  'missing-embedded-spec': 'error',
  // accepted by Chaos Mesh, then misread at runtime
  'size-contains-space': 'error',
  'size-misread': 'error',
  'memstress-option-rejected': 'error',
  // accepted, but not what it looks like
  'empty-field': 'warning',
  'no-duration': 'warning',
  'workers-zero': 'warning',
  'workers-negative': 'warning',
  'stressng-stressors-ignored': 'warning',
  'memory-without-size': 'warning',
  'size-zero': 'warning',
  'size-split-across-workers': 'warning',
  'size-percent-of-node': 'warning',
  'options-duplicate-field': 'warning',
  'memstress-options-ignored': 'warning',
  'memstress-time-invalid': 'warning',
  'memstress-client-flag': 'warning',
  // hints
  'invalid-selector': 'warning',
  'value-ignored': 'info',
  'oom-score-adj': 'info',
} as const;
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

type Path = (string | number)[];

/** Where a StressChaos spec sits and which rules apply to it. */
interface SpecContext {
  kind: 'standalone' | 'schedule' | 'workflow';
  /** JSON path of the spec inside the document. */
  specPath: Path;
}

export function validateStressChaos(text: string, options: ValidateOptions = {}): StressChaosDiagnostic[] {
  const lines = new TextLines(text);
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const out: StressChaosDiagnostic[] = [];
  if (!Array.isArray(docs)) return out; // an empty stream
  docs.forEach((doc, index) => {
    const v = new DocumentValidator(doc, index, lines, text, {
      duration: options.defaultDuration ?? STRESS_DEFAULTS.duration,
      size: options.defaultSize ?? STRESS_DEFAULTS.size,
    });
    v.run();
    out.push(...v.diagnostics);
  });
  return clampToText(out, text);
}

/**
 * Keeps every range inside the text. The YAML parser reports some errors (an unclosed flow
 * sequence at the end of the text) one position past the last character; an editor would draw
 * them nowhere or throw.
 */
function clampToText(diagnostics: StressChaosDiagnostic[], text: string): StressChaosDiagnostic[] {
  const lengths = text.split(/\r\n|\r|\n/).map((l) => l.length);
  const last = lengths.length - 1;
  const clamp = (line: number, column: number): [number, number] => {
    if (line > last) return [last, lengths[last]];
    const l = Math.max(0, line);
    return [l, Math.min(Math.max(0, column), lengths[l])];
  };
  for (const d of diagnostics) {
    [d.line, d.column] = clamp(d.line, d.column);
    if (d.endLine !== undefined) {
      [d.endLine, d.endColumn] = clamp(d.endLine, d.endColumn ?? 0);
      if (d.endLine < d.line || (d.endLine === d.line && (d.endColumn ?? 0) < d.column)) [d.endLine, d.endColumn] = [d.line, d.column];
    }
  }
  return diagnostics;
}

class DocumentValidator {
  readonly diagnostics: StressChaosDiagnostic[] = [];

  constructor(
    private readonly doc: Document.Parsed,
    private readonly index: number,
    private readonly lines: TextLines,
    private readonly text: string,
    private readonly defaults: { duration: string; size: string },
  ) {}

  /** The document as plain data (for "is this path there" questions of the fixes). */
  private js: unknown;

  run(): void {
    if (this.doc.errors.length > 0) {
      for (const e of this.doc.errors) {
        const start = this.pos(e.pos[0]);
        const end = this.pos(Math.max(e.pos[1], e.pos[0]));
        this.diagnostics.push({
          severity: 'error',
          code: 'yaml-syntax',
          message: `YAML syntax error: ${firstLine(e.message).replace(/ at line \d+, column \d+:?$/, '')}`,
          line: start.line,
          column: start.column,
          endLine: end.line,
          endColumn: end.column,
          document: this.index,
        });
      }
      return; // the tree of a broken document is not worth validating
    }
    if (!isMap(this.doc.contents)) return;
    let js: unknown;
    try {
      js = this.doc.toJS({ maxAliasCount: 1000 });
      this.js = js; // nulls are dropped from it below: a fix never targets an empty field
    } catch (err) {
      const start = this.pos(this.doc.contents.range[0]);
      this.push('yaml-syntax', `YAML error: ${err instanceof Error ? err.message : String(err)}`, { line: start.line, column: start.column }, []);
      return;
    }
    if (!isRecord(js) || js.apiVersion !== CHAOS_MESH_API_VERSION) return;
    if (js.kind === STRESS_CHAOS_KIND) {
      this.dropNulls(js, []);
      for (const v of stressChaosSchemaViolations(js)) this.schemaDiagnostic(v);
      this.nameDiagnostics(js);
      this.specDiagnostics(js, { kind: 'standalone', specPath: ['spec'] });
    } else if (js.kind === 'Schedule') {
      const spec = isRecord(js.spec) ? js.spec : undefined;
      if (spec?.type === STRESS_CHAOS_KIND) this.embedded(js, ['spec'], 'schedule');
    } else if (js.kind === 'Workflow') {
      const templates = isRecord(js.spec) && Array.isArray(js.spec.templates) ? js.spec.templates : [];
      templates.forEach((t, i) => {
        if (!isRecord(t)) return;
        if (t.templateType === STRESS_CHAOS_KIND) this.embedded(js as Record<string, unknown>, ['spec', 'templates', i], 'workflow');
        else if (t.templateType === 'Schedule' && isRecord(t.schedule) && t.schedule.type === STRESS_CHAOS_KIND) {
          this.embedded(js as Record<string, unknown>, ['spec', 'templates', i, 'schedule'], 'schedule');
        }
      });
    }
  }

  /** A StressChaos spec under `holderPath` + `stressChaos` in a Schedule or Workflow. */
  private embedded(root: Record<string, unknown>, holderPath: Path, kind: 'schedule' | 'workflow'): void {
    const holder = valueAt(root, holderPath);
    const specPath = [...holderPath, 'stressChaos'];
    if (!isRecord(holder)) return;
    if (holder.stressChaos === undefined || holder.stressChaos === null) {
      this.at(
        'missing-embedded-spec',
        `This ${kind === 'workflow' ? 'template' : 'schedule'} has type StressChaos but no \`stressChaos\` spec (webhook: the value of chaos StressChaos is required).`,
        holderPath,
        'key',
      );
      return;
    }
    if (!isRecord(holder.stressChaos)) {
      this.at('wrong-type', '`stressChaos` must be a map holding the StressChaos spec.', specPath, 'value');
      return;
    }
    this.dropNulls(holder.stressChaos, specPath);
    for (const v of stressChaosSpecSchemaViolations(holder.stressChaos, specPath)) this.schemaDiagnostic(v);
    this.specDiagnostics(root, { kind, specPath });
  }

  // -------------------------------------------------------------------------------------------------
  // Nulls: the API server drops a null field of a CRD object; say so and validate without it.

  private dropNulls(obj: Record<string, unknown>, path: Path): void {
    for (const [k, v] of Object.entries(obj)) {
      if (v === null) {
        delete obj[k];
        this.at('empty-field', `\`${k}\` has no value; the API server drops it, as if it were not written.`, [...path, k], 'key');
      } else if (isRecord(v) && !(path.length === 0 && k === 'status')) {
        this.dropNulls(v, [...path, k]);
      } else if (Array.isArray(v)) {
        v.forEach((item, i) => {
          if (isRecord(item)) this.dropNulls(item, [...path, k, i]);
        });
      }
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Schema violations → human messages.

  private schemaDiagnostic(v: SchemaViolation): void {
    const field = displayPath(v.path);
    const name = String(v.path[v.path.length - 1]);
    const parentPath = v.path.slice(0, -1);
    switch (v.keyword) {
      case 'required': {
        const where = parentPath.length ? `\`${displayPath(parentPath)}\`` : 'The StressChaos';
        this.at('required-field', `${where} is missing \`${name}\`. ${requiredHint(v.path)}(API server: ${field}: Required value)`, parentPath.length ? parentPath : ['kind'], 'key', v.path);
        return;
      }
      case 'additionalProperties': {
        const parent = displayPath(parentPath);
        const hint = unknownFieldHint(v.path, name);
        const d = this.at(
          'unknown-field',
          `Unknown field \`${name}\`${parent ? ` in \`${parent}\`` : ''}: StressChaos has no such field. ${hint}kubectl refuses the object (strict field validation); other clients get it silently dropped by the API server.`,
          v.path,
          'key',
        );
        const guess = closest(name, knownFieldsAt(stripToStressChaosPath(parentPath)));
        // Not when the map already has that key (even as `key: null`, which the object read drops):
        // the rename would make a duplicate key.
        if (guess && !this.mapHasKey(parentPath, guess)) this.attach(d, this.replaceFix(`Rename to \`${guess}\``, v.path, 'key', guess));
        return;
      }
      case 'type': {
        const expected = String((v.params as { type: string }).type);
        const actual = jsonTypeName(v.value);
        const server = `(API server: ${field}: Invalid value: "${actual}": ${field} in body must be of type ${expected}: "${actual}")`;
        if (name === 'value' && parentPath.length > 0 && (typeof v.value === 'number' || typeof v.value === 'boolean')) {
          const d = this.at('value-not-string', `\`value\` must be a string, even for a number: write \`value: "${String(v.value)}"\`. ${server}`, v.path, 'value');
          this.attach(d, this.replaceFix(`Write \`"${String(v.value)}"\``, v.path, 'value', `"${String(v.value)}"`));
          return;
        }
        let hint = '';
        if (expected === 'integer' && typeof v.value === 'string' && /^[+-]?\d+$/.test(v.value.trim())) hint = ` Write \`${name}: ${v.value.trim()}\` without quotes.`;
        else if (expected === 'string' && (typeof v.value === 'number' || typeof v.value === 'boolean')) hint = ` Put it in quotes: \`${name}: "${yamlNumberText(this.valueSource(v.path) ?? String(v.value))}"\`.`;
        this.at('wrong-type', `\`${field}\` must be ${typeArticle(expected)}, not ${typeArticle(actual)}.${hint} ${server}`, v.path, 'value');
        return;
      }
      case 'enum': {
        const allowed = ((v.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
        const guess = closest(String(v.value), allowed);
        const server = `(API server: ${field}: Unsupported value: ${JSON.stringify(v.value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')})`;
        const d = this.at(
          'unsupported-value',
          `\`${name}\` cannot be ${JSON.stringify(v.value)}: use one of ${allowed.join(', ')}.${guess ? ` Did you mean \`${guess}\`?` : ''} ${server}`,
          v.path,
          'value',
        );
        if (guess) this.attach(d, this.replaceFix(`Write \`${guess}\``, v.path, 'value', guess));
        return;
      }
      case 'maximum':
      case 'minimum': {
        const limit = (v.params as { limit: number }).limit;
        const server = `(API server: ${field}: Invalid value: ${String(v.value)}: ${field} in body should be ${v.keyword === 'maximum' ? 'less' : 'greater'} than or equal to ${limit})`;
        this.at('out-of-range', `${rangeMessage(name, v.value)} ${server}`, v.path, 'value');
        return;
      }
      default:
        this.at('wrong-type', `\`${field}\` is invalid (${v.keyword}).`, v.path, 'value');
    }
  }

  /** The API server's own ObjectMeta rules for a custom resource: a name that is a DNS subdomain. */
  private nameDiagnostics(js: Record<string, unknown>): void {
    const metadata = isRecord(js.metadata) ? js.metadata : undefined;
    const name = metadata?.name;
    if (name === undefined && metadata?.generateName === undefined) {
      this.at(
        'missing-name',
        'The StressChaos has no `metadata.name`: the API server refuses an object without a name (or `generateName`). (API server: metadata.name: Required value: name or generateName is required)',
        metadata ? ['metadata'] : ['kind'],
        'key',
        ['metadata', 'name'],
      );
      return;
    }
    if (typeof name !== 'string') return; // a wrong type is already reported by the schema
    const problems = dns1123SubdomainErrors(name);
    if (problems.length === 0) return;
    const suggestion = name.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 253);
    this.at(
      'invalid-name',
      `\`${name}\` is not a valid object name: use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit${suggestion && DNS1123_SUBDOMAIN_RE.test(suggestion) ? ` (e.g. \`${suggestion}\`)` : ''}. (API server: metadata.name: Invalid value: ${JSON.stringify(name)}: ${problems.join(', ')})`,
      ['metadata', 'name'],
      'value',
    );
  }

  // -------------------------------------------------------------------------------------------------
  // The webhook and runtime rules for one spec.

  private specDiagnostics(root: Record<string, unknown>, ctx: SpecContext): void {
    const spec = valueAt(root, ctx.specPath);
    if (!isRecord(spec)) return;
    const badPaths = new Set(this.diagnostics.filter((d) => d.severity === 'error' && d.path).map((d) => pathKey(d.path as Path)));

    // Chaos Mesh's validating webhook (the same rules for embedded specs).
    const seen = new Set<string>();
    // The webhook sees the object after Chaos Mesh's mutating webhook defaulted selector.namespaces: to the
    // object's namespace, or to "" for a spec embedded in a Schedule/Workflow (EmbedChaos.Validate builds a
    // namespace-less object). Without metadata.namespace the namespace comes from the kubectl context,
    // which is unknown here, so the spec is shown as written.
    const metadata = isRecord(root.metadata) ? root.metadata : {};
    const namespace = ctx.kind === 'standalone' ? (typeof metadata.namespace === 'string' ? metadata.namespace : undefined) : '';
    const webhookSpec = namespace === undefined ? spec : withDefaultNamespace(spec, namespace);
    for (const e of specWebhookErrors(webhookSpec, { goPrefix: 'Spec', jsonPrefix: ctx.specPath })) {
      const key = `${pathKey(e.path)}|${e.detail}`;
      if (seen.has(key)) continue; // PodSelector.Validate runs twice on the same JSON field
      seen.add(key);
      if (badPaths.has(pathKey(e.path))) continue; // the schema already refused this value
      this.webhookDiagnostic(e, spec, ctx);
    }

    if (ctx.kind === 'workflow' && typeof spec.duration === 'string') {
      const parsed = goParseDuration(spec.duration);
      const detail =
        'error' in parsed
          ? parsed.error
          : 'should not define duration in chaos when using Workflow, use Template#Deadline instead.';
      this.at(
        'workflow-duration',
        `A StressChaos inside a Workflow must not have \`duration\`: set \`deadline\` on the template instead (Workflow webhook: ${detail})`,
        [...ctx.specPath, 'duration'],
        'key',
      );
    }

    this.durationWarnings(spec, ctx);
    this.modeHints(spec, ctx);
    if (isRecord(spec.selector) && !badPaths.has(pathKey([...ctx.specPath, 'selector']))) this.selectorDiagnostics(spec.selector, [...ctx.specPath, 'selector']);
    const stressors = isRecord(spec.stressors) ? spec.stressors : undefined;
    const stressng = typeof spec.stressngStressors === 'string' ? spec.stressngStressors : '';
    if (stressng.length > 0) {
      this.at(
        'stressng-stressors-ignored',
        stressors
          ? '`stressngStressors` is ignored by current Chaos Mesh (chaos-mesh#3783), and because it is set Chaos Mesh also skips `stressors`: NOTHING runs, yet the experiment reports Injected. Remove `stressngStressors`.'
          : '`stressngStressors` is ignored by current Chaos Mesh (chaos-mesh#3783): nothing runs, yet the experiment reports Injected. Use `stressors.memory` / `stressors.cpu` instead.',
        [...ctx.specPath, 'stressngStressors'],
        'key',
      );
      if (stressors) return; // nothing below would run
    }
    if (!stressors) return;
    if (isRecord(stressors.memory)) this.memoryDiagnostics(stressors.memory, [...ctx.specPath, 'stressors', 'memory'], badPaths);
    if (isRecord(stressors.cpu)) this.cpuDiagnostics(stressors.cpu, [...ctx.specPath, 'stressors', 'cpu'], badPaths);
  }

  private webhookDiagnostic(e: WebhookFieldError, spec: Record<string, unknown>, ctx: SpecContext): void {
    const webhook = `(webhook: ${e.message})`;
    if (e.detail === 'missing stressors') {
      if (e.path.length === ctx.specPath.length) {
        const target = ctx.kind === 'standalone' ? ['spec'] : ctx.specPath;
        this.at('missing-stressors', `No stressors: add \`stressors.memory\` (memStress) and/or \`stressors.cpu\` (stress-ng). Chaos Mesh refuses a StressChaos without them. ${webhook}`, target, 'key', e.path);
      } else {
        this.at('missing-stressors', `\`stressors\` is empty: add \`memory\` (memStress) and/or \`cpu\` (stress-ng). Chaos Mesh refuses it. ${webhook}`, e.path, 'key');
      }
      return;
    }
    if (e.field.endsWith('.Duration')) {
      const value = String(e.value);
      const suggestion = suggestDuration(value);
      const d = this.at(
        'invalid-duration',
        `\`duration\` ${JSON.stringify(value)} is not a Go duration: use h, m, s, ms, us or ns (no days), e.g. \`30s\`, \`5m\`, \`1h30m\`.${suggestion ? ` Chaos Mesh wants ${suggestion}.` : ''} ${webhook}`,
        e.path,
        'value',
      );
      if (suggestion) this.attach(d, this.replaceFix(`Write \`${suggestion}\``, e.path, 'value', suggestion));
      return;
    }
    if (e.field.endsWith('.value')) {
      const mode = String(spec.mode);
      const present = typeof spec.value === 'string';
      let message: string;
      if (mode === 'fixed') {
        message = !present
          ? '`mode: fixed` needs `value`: how many pods to stress, as a string, e.g. `value: "2"`.'
          : e.detail.startsWith('parse value field error')
            ? `With \`mode: fixed\`, \`value\` must be a whole number of pods, e.g. \`value: "2"\`.`
            : 'With `mode: fixed`, `value` must be greater than 0.';
      } else {
        message = !present
          ? `\`mode: ${mode}\` needs \`value\`: a whole percentage from 1 to 100, as a string, e.g. \`value: "50"\`.`
          : `With \`mode: ${mode}\`, \`value\` must be a whole percentage from 1 to 100, e.g. \`value: "50"\`.`;
      }
      const d = this.at('invalid-value', `${message} ${webhook}`, present ? e.path : [...ctx.specPath, 'mode'], 'value', e.path);
      const example = mode === 'fixed' ? '"1"' : '"50"';
      this.attach(
        d,
        present
          ? this.replaceFix(`Write \`value: ${example}\``, e.path, 'value', example)
          : this.insertFix(`Add \`value: ${example}\``, ctx.specPath, 'value', example, 'mode'),
      );
      return;
    }
    if (e.field.endsWith('.Size')) {
      const size = String(e.value);
      let message = e.message;
      let code: DiagnosticCode = 'invalid-size';
      try {
        parseStressSize(size);
      } catch (err) {
        if (err instanceof StressSizeError) {
          message = err.message;
          if (/[KMGTPE]i\s*$/.test(size.trim())) code = 'size-kubernetes-quantity';
        }
      }
      const d = this.at(code, `${message} ${webhook}`, e.path, 'value');
      this.attachSizeFix(d, e.path, size);
      return;
    }
    this.at('invalid-value', e.message, e.path, 'value');
  }

  private durationWarnings(spec: Record<string, unknown>, ctx: SpecContext): void {
    if (ctx.kind === 'workflow') return; // a Workflow bounds it with the template's deadline
    const durationPath = [...ctx.specPath, 'duration'];
    if (spec.duration === undefined) {
      const target = ctx.kind === 'standalone' ? ['spec'] : ctx.specPath;
      const message =
        ctx.kind === 'schedule'
          ? 'No `duration`: each StressChaos this Schedule starts runs until it is deleted and never finishes (with concurrencyPolicy Forbid, the Schedule then never starts another). Add e.g. `duration: 5m`.'
          : 'No `duration`: the stress runs until you delete (or pause) the StressChaos and never shows as finished. Add e.g. `duration: 5m`.';
      const d = this.at('no-duration', message, target, 'key');
      this.attach(d, this.insertFix(`Add \`duration: ${this.defaults.duration}\``, ctx.specPath, 'duration', this.defaults.duration));
    } else if (spec.duration === '') {
      const d = this.at('no-duration', '`duration` is empty: Chaos Mesh treats it as no duration, so the stress runs until you delete the StressChaos and never shows as finished.', durationPath, 'key');
      this.attach(d, this.replaceFix(`Write \`duration: ${this.defaults.duration}\``, durationPath, 'value', this.defaults.duration));
    }
  }

  private modeHints(spec: Record<string, unknown>, ctx: SpecContext): void {
    if ((spec.mode === 'one' || spec.mode === 'all') && typeof spec.value === 'string' && spec.value !== '') {
      this.at('value-ignored', `\`value\` is ignored with \`mode: ${spec.mode}\`; it only counts for fixed, fixed-percent and random-max-percent.`, [...ctx.specPath, 'value'], 'key');
    }
  }

  /**
   * Selectors Chaos Mesh admits but cannot use: it builds a Kubernetes label selector from
   * labelSelectors/expressionSelectors and parses podPhaseSelectors as one, when it selects the targets.
   * A bad one makes every selection fail ("Failed to select targets: …"), so the stress never starts.
   */
  private selectorDiagnostics(selector: Record<string, unknown>, at: Path): void {
    const fails = 'Chaos Mesh accepts it, but selecting the targets then fails, so the stress never starts.';
    if (isRecord(selector.labelSelectors)) {
      for (const [key, value] of Object.entries(selector.labelSelectors)) {
        const keyProblem = labelKeyProblem(key);
        if (keyProblem) this.at('invalid-selector', `Label key ${JSON.stringify(key)} is not valid: ${keyProblem}. ${fails}`, [...at, 'labelSelectors', key], 'key');
        else if (typeof value === 'string' && labelValueProblem(value)) {
          this.at('invalid-selector', `Label value ${JSON.stringify(value)} is not valid: ${labelValueProblem(value)}. ${fails}`, [...at, 'labelSelectors', key], 'value');
        }
      }
    }
    if (Array.isArray(selector.expressionSelectors)) {
      selector.expressionSelectors.forEach((req, i) => {
        if (!isRecord(req) || typeof req.operator !== 'string' || typeof req.key !== 'string') return;
        const here = [...at, 'expressionSelectors', i];
        const values = Array.isArray(req.values) ? req.values : [];
        const keyProblem = labelKeyProblem(req.key);
        if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(req.operator)) {
          const guess = closest(req.operator, ['In', 'NotIn', 'Exists', 'DoesNotExist']);
          this.at('invalid-selector', `${JSON.stringify(req.operator)} is not a label selector operator: use In, NotIn, Exists or DoesNotExist${guess ? ` (did you mean \`${guess}\`?)` : ''}. ${fails}`, [...here, 'operator'], 'value');
        } else if ((req.operator === 'In' || req.operator === 'NotIn') && values.length === 0) {
          this.at('invalid-selector', `\`${req.operator}\` needs at least one value in \`values\`. ${fails}`, [...here, 'operator'], 'value');
        } else if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && values.length > 0) {
          this.at('invalid-selector', `\`${req.operator}\` takes no \`values\`; remove them. ${fails}`, [...here, 'values'], 'key');
        } else if (keyProblem) {
          this.at('invalid-selector', `Label key ${JSON.stringify(req.key)} is not valid: ${keyProblem}. ${fails}`, [...here, 'key'], 'value');
        } else {
          const j = values.findIndex((v) => typeof v === 'string' && labelValueProblem(v) !== undefined);
          if (j >= 0) this.at('invalid-selector', `Label value ${JSON.stringify(values[j])} is not valid: ${labelValueProblem(values[j] as string)}. ${fails}`, [...here, 'values', j], 'value');
        }
      });
    }
    if (Array.isArray(selector.podPhaseSelectors)) {
      selector.podPhaseSelectors.forEach((phase, i) => {
        if (typeof phase === 'string' && !/^!?(Pending|Running|Succeeded|Failed|Unknown)$/.test(phase.trim())) {
          const guess = closest(phase.replace(/^!/, ''), ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);
          this.at(
            'invalid-selector',
            `${JSON.stringify(phase)} is not a pod phase: use Pending, Running, Succeeded, Failed or Unknown (prefix ! to exclude)${guess ? `; did you mean \`${guess}\`?` : '.'} No pod is ever in that phase, so nothing is selected.`,
            [...at, 'podPhaseSelectors', i],
            'value',
          );
        }
      });
    }
  }

  // -------------------------------------------------------------------------------------------------
  // Memory stressor: what memStress will really do.

  private memoryDiagnostics(memory: Record<string, unknown>, at: Path, badPaths: Set<string>): void {
    const workers = memory.workers;
    if (typeof workers !== 'number' || !Number.isInteger(workers) || badPaths.has(pathKey([...at, 'workers']))) return;
    if (workers === 0) {
      const d = this.at('workers-zero', '`workers: 0` is accepted, but Chaos Mesh then skips the memory stressor: nothing is allocated, yet the experiment reports Injected. Use at least 1.', [...at, 'workers'], 'value');
      this.attach(d, this.replaceFix('Write `workers: 1`', [...at, 'workers'], 'value', '1'));
      return;
    }
    if (workers < 0) {
      this.at('workers-negative', `\`workers: ${workers}\` is accepted, but memStress crashes at start with a negative worker count (it cannot make a queue of ${workers}), so nothing is allocated while the experiment reports Injected. Use at least 1.`, [...at, 'workers'], 'value');
      return;
    }
    const oom = memory.oomScoreAdj;
    if (typeof oom === 'number' && Number.isInteger(oom) && oom !== 0 && oom >= -1000 && oom <= 1000) {
      const message =
        oom === -1000
          ? '`oomScoreAdj: -1000`: the OOM killer never picks memStress, so when the container reaches its memory limit your application\'s process is killed instead.'
          : oom < 0
            ? `\`oomScoreAdj: ${oom}\`: memStress becomes a less likely OOM victim than the application's processes.`
            : `\`oomScoreAdj: ${oom}\`: memStress becomes a more likely OOM victim, so at the limit the stress itself is killed (and respawned by memStress about every second) rather than your application.`;
      this.at('oom-score-adj', message, [...at, 'oomScoreAdj'], 'value');
    }

    // The argument vector chaos-daemon gives memStress, with where each word came from.
    const words: { text: string; from: Path }[] = [];
    const add = (s: string, from: Path) => goFields(s).forEach((text) => words.push({ text, from }));
    add(`--workers ${workers}`, [...at, 'workers']);
    const sizeText = typeof memory.size === 'string' ? memory.size : '';
    const sizePath = [...at, 'size'];
    if (sizeText.length > 0) add(`--size ${sizeText}`, sizePath);
    const options = Array.isArray(memory.options) ? memory.options : [];
    options.forEach((o, i) => {
      if (typeof o === 'string') add(o, [...at, 'options', i]);
    });
    const flags = goFlagParse(words);

    const sizeIsBad = badPaths.has(pathKey(sizePath)) || this.hasErrorAt(sizePath);
    if (sizeText.length === 0 && memory.size === undefined && flags.size === undefined) {
      const d = this.at('memory-without-size', 'The memory stressor has no `size`: memStress then allocates nothing (the CRD\'s "default is the total available memory" is out of date). Add e.g. `size: 256MiB`, the total for all workers.', at, 'key');
      this.attach(d, this.insertFix(`Add \`size: ${this.defaults.size}\``, at, 'size', this.defaults.size, 'workers'));
    }
    if (flags.error) {
      this.at(
        'memstress-option-rejected',
        `memStress exits at start (${flags.error.message}), so nothing is allocated while the experiment reports Injected. Memory \`options\` are memStress flags, not stress-ng ones: memStress knows only --size, --workers and --time.`,
        flags.error.from,
        'value',
      );
      return;
    }

    // Sizes the webhook accepts but memStress reads differently.
    if (sizeText.length > 0 && !sizeIsBad) {
      const reading = memStressReadSize(sizeText);
      const suggestion = suggestStressSize(sizeText);
      if (reading.strayWords.length > 0) {
        const d = this.at(
          'size-contains-space',
          `Chaos Mesh accepts ${JSON.stringify(sizeText)}, but it splits the memStress arguments on spaces: memStress receives \`--size ${reading.argument}\` and reads ${describeReading(reading)}; \`${reading.strayWords.join(' ')}\` and every option after it are ignored.${suggestion ? ` Write \`${suggestion}\`.` : ''}`,
          sizePath,
          'value',
        );
        this.attachSizeFix(d, sizePath, sizeText);
        return;
      }
      if ('error' in reading) {
        const d = this.at(
          'size-misread',
          `Chaos Mesh accepts ${JSON.stringify(sizeText)}, but memStress cannot read it (${reading.error}) and allocates nothing.${suggestion ? ` Write \`${suggestion}\`.` : ''}`,
          sizePath,
          'value',
        );
        this.attachSizeFix(d, sizePath, sizeText);
        return;
      }
    }

    // Options that override the fields (Go's flag package keeps the last value).
    for (const o of flags.overrides) {
      const field = o.flag === 'workers' ? 'workers' : 'size';
      const original = field === 'workers' ? String(workers) : sizeText === '' ? '(none)' : sizeText;
      // An unbuffered work queue (0) blocks memStress's server forever; a negative one panics.
      const none = field === 'workers' && Number(o.value) <= 0 ? ', which starts no worker and allocates nothing' : '';
      this.at(
        'options-duplicate-field',
        o.replaces
          ? `\`${o.word}\` in options overrides \`${field}: ${original}\`: memStress keeps the last value, so it runs with ${field} ${o.value}${none}. Set \`${field}\` instead.`
          : `\`${o.word}\` in options does the job of the \`size\` field, which Chaos Mesh's webhook would check: write \`size: ${o.value}\` instead.`,
        o.from,
        'value',
      );
    }
    if (flags.stoppedAt && !pathStartsWith(flags.stoppedAt.from, sizePath)) {
      this.at(
        'memstress-options-ignored',
        `memStress stops reading flags at \`${flags.stoppedAt.text}\` (not a flag): it and every option after it are ignored.`,
        flags.stoppedAt.from,
        'value',
      );
    }
    if (flags.client) {
      this.at(
        'memstress-client-flag',
        '`--client` is memStress\'s internal flag for its worker processes: memStress then runs as a single worker that maps size/workers once and is never respawned, instead of starting `workers` of them. Remove it.',
        flags.client,
        'value',
      );
    }
    if (flags.time !== undefined && 'error' in goParseDuration(flags.time.value)) {
      this.at(
        'memstress-time-invalid',
        `memStress reads --time as a Go duration; ${JSON.stringify(flags.time.value)} is not one (${(goParseDuration(flags.time.value) as { error: string }).error}), so it allocates everything at once. Use e.g. \`--time 10m\`.`,
        flags.time.from,
        'value',
      );
    }

    // What each worker gets.
    const effWorkers = flags.workers ?? workers;
    const effSize = flags.size;
    if (effSize === undefined || effWorkers <= 0) return;
    const sizeFrom = flags.sizeFrom ?? sizePath;
    const reading = memStressParseArgument(effSize);
    if ('error' in reading) {
      if (!pathStartsWith(sizeFrom, sizePath)) {
        this.at('size-misread', `memStress cannot read --size ${effSize} (${reading.error}) and allocates nothing.`, sizeFrom, 'value');
      }
      return;
    }
    if (sizeIsBad) return;
    if ('percent' in reading) {
      if (reading.percent === 0) {
        this.at('size-zero', `\`size: ${effSize}\` allocates nothing.`, sizeFrom, 'value');
        return;
      }
      const share = effWorkers > 1 ? `, split across ${effWorkers} workers (${formatPercent(reading.percent / effWorkers)} each)` : '';
      this.at(
        'size-percent-of-node',
        `\`${effSize}\` is ${formatPercent(reading.percent)} of the NODE's memory (MemTotal in /proc/meminfo), not of the container's limit${share}. If that exceeds the container's limit, the OOM killer steps in.`,
        sizeFrom,
        'value',
      );
      return;
    }
    const total = reading.bytes;
    if (total === 0n) {
      this.at('size-zero', `\`size: ${effSize}\` is 0 bytes: memStress allocates nothing.`, sizeFrom, 'value');
      return;
    }
    const each = perWorkerBytes(total, effWorkers);
    if (each === 0n) {
      this.at('size-zero', `\`size: ${effSize}\` (${formatBytes(total, { exact: true })}) split across ${effWorkers} workers is 0 bytes each: memStress allocates nothing.`, sizeFrom, 'value');
      return;
    }
    if (effWorkers > 1) {
      this.at(
        'size-split-across-workers',
        `\`size\` is the TOTAL for all ${effWorkers} workers, not per worker (the CRD text is out of date): each memStress worker maps ${formatBytes(each, { exact: true })}, ${formatBytes(each * BigInt(effWorkers), { exact: true })} in all.`,
        sizeFrom,
        'value',
      );
    }
  }

  private cpuDiagnostics(cpu: Record<string, unknown>, at: Path, badPaths: Set<string>): void {
    const workers = cpu.workers;
    if (typeof workers !== 'number' || !Number.isInteger(workers) || badPaths.has(pathKey([...at, 'workers']))) return;
    if (workers === 0) {
      this.at('workers-zero', '`workers: 0` is accepted, but Chaos Mesh then skips the CPU stressor: stress-ng does not run, yet the experiment reports Injected. Use at least 1.', [...at, 'workers'], 'value');
      return;
    }
    if (workers < 0) {
      this.at('workers-negative', `\`workers: ${workers}\` is accepted and passed to stress-ng as \`--cpu ${workers}\`, which stress-ng reads as "one worker per online CPU", not as a count.`, [...at, 'workers'], 'value');
    }
    const options = Array.isArray(cpu.options) ? cpu.options : [];
    options.forEach((o, i) => {
      if (typeof o !== 'string') return;
      const words = goFields(o);
      for (let w = 0; w < words.length; w++) {
        const m = /^(?:--cpu|-c)(?:=(.*))?$/.exec(words[w]);
        const l = /^(?:--cpu-load|-l)(?:=(.*))?$/.exec(words[w]);
        const value = (m ?? l)?.[1] ?? words[w + 1];
        if (m) {
          const message =
            value === String(workers)
              ? `\`${o.trim()}\` in options repeats \`workers: ${workers}\`; stress-ng keeps the last value, so if you change \`workers\` this option silently wins. Remove it.`
              : `\`${o.trim()}\` in options overrides \`workers: ${workers}\`: stress-ng keeps the last value, so it starts ${value ?? '?'} CPU worker${value === '1' ? '' : 's'}. Set \`workers\` instead.`;
          this.at('options-duplicate-field', message, [...at, 'options', i], 'value');
        } else if (l) {
          const load = typeof cpu.load === 'number' ? `\`load: ${cpu.load}\`` : 'the full load you get without `load`';
          const message =
            typeof cpu.load === 'number' && value === String(cpu.load)
              ? `\`${o.trim()}\` in options repeats \`load: ${cpu.load}\`; stress-ng keeps the last value, so if you change \`load\` this option silently wins. Remove it.`
              : `\`${o.trim()}\` in options overrides ${load}: stress-ng keeps the last value (${value ?? '?'}%). Set \`load\` instead.`;
          this.at('options-duplicate-field', message, [...at, 'options', i], 'value');
        }
      }
    });
  }

  // -------------------------------------------------------------------------------------------------
  // Positions.

  private hasErrorAt(path: Path): boolean {
    const key = pathKey(path);
    return this.diagnostics.some((d) => d.severity === 'error' && d.path && pathKey(d.path) === key);
  }

  private push(code: DiagnosticCode, message: string, start: { line: number; column: number }, path: Path, end?: { line: number; column: number }): StressChaosDiagnostic {
    const d: StressChaosDiagnostic = { severity: DIAGNOSTIC_CODES[code], code, message, line: start.line, column: start.column };
    if (end) {
      d.endLine = end.line;
      d.endColumn = end.column;
    }
    d.path = path;
    d.document = this.index;
    this.diagnostics.push(d);
    return d;
  }

  /**
   * A diagnostic at the node for `target` (its key or its value), falling back to the nearest existing
   * ancestor's key. `reportedPath` is the JSON path the diagnostic is about (defaults to `target`).
   */
  private at(code: DiagnosticCode, message: string, target: Path, prefer: 'key' | 'value', reportedPath: Path = target): StressChaosDiagnostic {
    const found = this.locate(target);
    const node = prefer === 'value' ? found.value ?? found.key : found.key ?? found.value;
    const range = node?.range;
    if (!range) {
      const contents = this.doc.contents as YamlNode;
      const start = this.pos(contents.range?.[0] ?? 0);
      return this.push(code, message, start, reportedPath);
    }
    return this.push(code, message, this.pos(range[0]), reportedPath, this.pos(range[1]));
  }

  // -------------------------------------------------------------------------------------------------
  // Fixes as data.

  /** Replaces the key or the scalar value at `path` with `newText`; undefined when it is not there. */
  private replaceFix(title: string, path: Path, part: 'key' | 'value', newText: string): StressChaosFix | undefined {
    const found = this.locate(path);
    const node = part === 'key' ? found.key : found.value;
    if (!node?.range || (part === 'value' && !isScalar(node)) || !this.locatesExactly(path)) return undefined;
    const start = this.pos(node.range[0]);
    const end = this.pos(node.range[1]);
    return { title, preferred: true, edits: [{ line: start.line, column: start.column, endLine: end.line, endColumn: end.column, newText }] };
  }

  /**
   * Adds `key: value` as the last entry of the block map at `mapPath` (or right after `afterKey`), at
   * the indentation of its other keys. Flow maps (`{…}`) get no fix.
   */
  private insertFix(title: string, mapPath: Path, key: string, value: string, afterKey?: string): StressChaosFix | undefined {
    if (!this.locatesExactly(mapPath)) return undefined;
    const map = mapPath.length === 0 ? (this.doc.contents as YamlNode) : this.locate(mapPath).value;
    if (!isMap(map) || map.flow || map.items.length === 0) return undefined;
    const present = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (present) {
      // `key:` or `key: null` is there (the object read drops nulls): write the value in place, as a
      // second `key:` line would be a duplicate key and no longer parse.
      const v = present.value as YamlNode | null;
      if (!isScalar(v) || !v.range) return undefined;
      const start = this.pos(v.range[0]);
      const end = this.pos(v.range[1]);
      const newText = v.range[0] === v.range[1] && this.text[v.range[0] - 1] === ':' ? ` ${value}` : value;
      return { title, preferred: true, edits: [{ line: start.line, column: start.column, endLine: end.line, endColumn: end.column, newText }] };
    }
    const first = map.items[0].key as YamlNode | null;
    if (!first?.range) return undefined;
    const indent = this.pos(first.range[0]).column;
    const anchor = (afterKey !== undefined ? map.items.find((p) => isScalar(p.key) && String(p.key.value) === afterKey) : undefined) ?? map.items[map.items.length - 1];
    const anchorEnd = ((anchor.value as YamlNode | null) ?? (anchor.key as YamlNode)).range?.[1];
    if (anchorEnd === undefined) return undefined;
    const line = this.pos(anchorEnd).column === 0 ? this.pos(anchorEnd).line - 1 : this.pos(anchorEnd).line;
    const lineEnd = this.lineEndColumn(line);
    const edit: TextEdit = { line, column: lineEnd, endLine: line, endColumn: lineEnd, newText: `\n${' '.repeat(indent)}${key}: ${value}` };
    return { title, preferred: true, edits: [edit] };
  }

  private attach(d: StressChaosDiagnostic, fix: StressChaosFix | undefined): void {
    if (fix) (d.fixes ??= []).push(fix);
  }

  /** A size both Chaos Mesh and memStress read as meant (`256Mi` → `256MiB`), quoted as the original was. */
  private attachSizeFix(d: StressChaosDiagnostic, path: Path, size: string): void {
    const suggestion = suggestStressSize(size);
    if (suggestion === undefined) return;
    const source = this.valueSource(path) ?? '';
    const quote = /^["']/.test(source) ? source[0] : '';
    this.attach(d, this.replaceFix(`Write \`${suggestion}\` (Chaos Mesh units)`, path, 'value', `${quote}${suggestion}${quote}`));
  }

  /** Whether the YAML map at `mapPath` has `key`, whatever its value (null included). */
  private mapHasKey(mapPath: Path, key: string): boolean {
    const map = mapPath.length === 0 ? (this.doc.contents as YamlNode) : this.locate(mapPath).value;
    return isMap(map) && map.items.some((p) => isScalar(p.key) && String(p.key.value) === key);
  }

  /** Whether every segment of `path` exists (locate() falls back to ancestors). */
  private locatesExactly(path: Path): boolean {
    return path.length === 0 || valueAt(this.js, path) !== undefined;
  }

  /** Column of the end of a line's content, before a trailing comment. */
  private lineEndColumn(line: number): number {
    const content = this.lines.lineText(line);
    const hash = commentStart(content);
    return (hash >= 0 ? content.slice(0, hash) : content).replace(/\s+$/, '').length;
  }

  /** The key and value nodes of a JSON path, or of its nearest existing ancestor. */
  private locate(path: Path): { key?: YamlNode; value?: YamlNode } {
    let key: YamlNode | undefined;
    let value: YamlNode | undefined = this.doc.contents as YamlNode;
    for (const seg of path) {
      if (isMap(value)) {
        const pair = value.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        key = pair.key as YamlNode;
        value = (pair.value ?? undefined) as YamlNode | undefined;
        if (value && isScalar(value) && value.value === null && value.range && value.range[0] === value.range[1]) value = undefined;
      } else if (isSeq(value) && typeof seg === 'number' && seg < value.items.length) {
        const item = value.items[seg] as YamlNode;
        key = item;
        value = item;
      } else {
        break;
      }
    }
    return { key, value };
  }

  /** The source text of a scalar (to quote `1e3` as written rather than as 1000). */
  private valueSource(path: Path): string | undefined {
    const { value } = this.locate(path);
    if (value && isScalar(value) && value.range) return this.text.slice(value.range[0], value.range[1]);
    return undefined;
  }

  private pos(offset: number): { line: number; column: number } {
    return this.lines.positionOf(offset);
  }
}

// ---------------------------------------------------------------------------------------------------
// Go flag package, as memStress's `flag.Parse()` runs it over chaos-daemon's argument vector.

interface FlagWord {
  text: string;
  from: Path;
}

interface FlagParse {
  workers?: number;
  size?: string;
  sizeFrom?: Path;
  time?: { value: string; from: Path };
  /** Where `-client` was given (memStress's internal flag for its worker processes). */
  client?: Path;
  /** `--workers`/`--size` given again after the field's own (`replaces`), or only in options (`!replaces`). */
  overrides: { flag: 'workers' | 'size'; word: string; value: string; from: Path; replaces: boolean }[];
  error?: { message: string; from: Path };
  stoppedAt?: FlagWord;
}

const MEMSTRESS_FLAGS = new Set(['size', 'time', 'workers', 'client']);

function goFlagParse(words: FlagWord[]): FlagParse {
  const out: FlagParse = { overrides: [] };
  let i = 0;
  let sawWorkers = false;
  let sawSize = false;
  while (i < words.length) {
    const w = words[i];
    const s = w.text;
    if (s.length < 2 || s[0] !== '-') {
      out.stoppedAt = w;
      break;
    }
    let minuses = 1;
    if (s[1] === '-') {
      minuses = 2;
      if (s.length === 2) {
        i++;
        if (i < words.length) out.stoppedAt = words[i];
        break;
      }
    }
    let name = s.slice(minuses);
    if (name.length === 0 || name[0] === '-' || name[0] === '=') {
      out.error = { message: `bad flag syntax: ${s}`, from: w.from };
      return out;
    }
    i++;
    let value = '';
    let hasValue = false;
    const eq = name.indexOf('=', 1);
    if (eq > 0) {
      value = name.slice(eq + 1);
      hasValue = true;
      name = name.slice(0, eq);
    }
    if (!MEMSTRESS_FLAGS.has(name)) {
      out.error = {
        message: name === 'help' || name === 'h' ? `-${name} prints memStress's usage and exits` : `flag provided but not defined: -${name}`,
        from: w.from,
      };
      return out;
    }
    if (name === 'client') {
      if (hasValue && !/^(1|t|T|TRUE|true|True|0|f|F|FALSE|false|False)$/.test(value)) {
        out.error = { message: `invalid boolean value ${JSON.stringify(value)} for -client: parse error`, from: w.from };
        return out;
      }
      if (!hasValue || /^(1|t|T|TRUE|true|True)$/.test(value)) out.client = w.from;
      else out.client = undefined;
      continue;
    }
    let valueFrom = w.from;
    if (!hasValue && i < words.length) {
      value = words[i].text;
      valueFrom = words[i].from;
      hasValue = true;
      i++;
    }
    if (!hasValue) {
      out.error = { message: `flag needs an argument: -${name}`, from: w.from };
      return out;
    }
    if (name === 'workers') {
      const n = goParseIntBase0(value);
      if (n === undefined) {
        out.error = { message: `invalid value ${JSON.stringify(value)} for flag -workers: parse error`, from: valueFrom };
        return out;
      }
      if (sawWorkers) out.overrides.push({ flag: 'workers', word: `${s}${eq > 0 ? '' : ` ${value}`}`, value: String(n), from: w.from, replaces: true });
      sawWorkers = true;
      out.workers = n;
    } else if (name === 'size') {
      if (w.from.includes('options')) out.overrides.push({ flag: 'size', word: `${s}${eq > 0 ? '' : ` ${value}`}`, value, from: w.from, replaces: sawSize });
      sawSize = true;
      out.size = value;
      out.sizeFrom = valueFrom;
    } else {
      out.time = { value, from: valueFrom };
    }
  }
  return out;
}

/** Go `strconv.ParseInt(s, 0, 64)` for the forms a person writes (sign, 0x/0o/0b/leading-0 octal). */
function goParseIntBase0(s: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[1-9][0-9]*|0)$/.exec(s);
  if (!m) return undefined;
  const body = m[2];
  let n: bigint;
  if (/^0[xXbBoO]/.test(body)) n = BigInt(body.toLowerCase());
  else if (body.length > 1 && body[0] === '0') n = BigInt('0o' + body.slice(1));
  else n = BigInt(body);
  if (m[1] === '-') n = -n;
  if (n > 9223372036854775807n || n < -9223372036854775808n) return undefined;
  return Number(n);
}

function withDefaultNamespace(spec: Record<string, unknown>, namespace: string): Record<string, unknown> {
  const selector = isRecord(spec.selector) ? spec.selector : {};
  if (Array.isArray(selector.namespaces) && selector.namespaces.length > 0) return spec;
  return { ...spec, selector: { ...selector, namespaces: [namespace] } };
}

// ---------------------------------------------------------------------------------------------------
// Kubernetes label syntax: whether there is a problem is apimachinery's rule (./labels); the words
// are ours, shorter than apimachinery's regex-quoting messages.

function labelKeyProblem(key: string): string | undefined {
  if (qualifiedNameErrors(key).length === 0) return undefined;
  const slash = key.lastIndexOf('/');
  if (slash >= 0 && dns1123SubdomainErrors(key.slice(0, slash)).length > 0) return 'the prefix before "/" must be a lower-case DNS subdomain';
  return "a label name has at most 63 characters: letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
}

function labelValueProblem(value: string): string | undefined {
  if (labelValueErrors(value).length === 0) return undefined;
  return "a label value is empty or has at most 63 characters: letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
}

// ---------------------------------------------------------------------------------------------------
// Message helpers.

function requiredHint(path: Path): string {
  const name = path[path.length - 1];
  const parent = path[path.length - 2];
  if (name === 'spec') return 'It holds mode, selector and stressors. ';
  if (name === 'mode') {
    return 'It says how many of the selected pods get the stress: one, all, fixed, fixed-percent or random-max-percent. (Where Chaos Mesh\'s mutating webhook runs first, it writes `mode: ""`, which the API server then refuses as an unsupported value.) ';
  }
  if (name === 'selector') {
    return 'It picks the target pods. (Where Chaos Mesh\'s mutating webhook runs first, it fills in a selector for the object\'s namespace instead, so EVERY pod of that namespace becomes a target.) ';
  }
  if (name === 'workers' && parent === 'memory') {
    return 'It is the number of memStress processes that share `size`. (Where Chaos Mesh\'s mutating webhook runs first, it fills in `workers: 0` instead, and nothing runs.) ';
  }
  if (name === 'workers' && parent === 'cpu') {
    return 'It is the number of stress-ng CPU workers. (Where Chaos Mesh\'s mutating webhook runs first, it fills in `workers: 0` instead, and nothing runs.) ';
  }
  return '';
}

function unknownFieldHint(path: Path, name: string): string {
  const parent = path.slice(0, -1);
  const last = parent[parent.length - 1];
  if (name === 'time' && last === 'memory') {
    return 'To ramp the allocation up over time use `options: ["--time 1m"]` (the website\'s `time` field does not exist). ';
  }
  if (name === 'scheduler' && last === 'spec') return 'Chaos Mesh 2 removed `scheduler`: use a Schedule object to repeat an experiment. ';
  const known = knownFieldsAt(stripToStressChaosPath(parent));
  const guess = closest(name, known);
  return guess ? `Did you mean \`${guess}\`? ` : '';
}

/** Maps an embedded spec path (`spec.templates[0].stressChaos.x`) onto the standalone shape (`spec.x`). */
function stripToStressChaosPath(path: Path): Path {
  const i = path.lastIndexOf('stressChaos');
  return i >= 0 ? ['spec', ...path.slice(i + 1)] : path;
}

function rangeMessage(name: string, value: unknown): string {
  if (name === 'workers') return `\`workers: ${String(value)}\` is more than the 8192 workers stress-ng and memStress accept.`;
  if (name === 'load') return `\`load: ${String(value)}\` is not a percentage: CPU load per worker goes from 0 to 100.`;
  if (name === 'oomScoreAdj') return `\`oomScoreAdj: ${String(value)}\` is outside the kernel's oom_score_adj range, -1000 to 1000.`;
  return `\`${name}: ${String(value)}\` is out of range.`;
}

function describeReading(r: ReturnType<typeof memStressReadSize>): string {
  if ('bytes' in r) return `${formatBytes(r.bytes, { exact: true })}`;
  if ('percent' in r) return `${formatPercent(r.percent)} of the node's memory`;
  return `nothing (${r.error})`;
}

function formatPercent(p: number): string {
  return `${Number.isInteger(p) ? p : Number(p.toFixed(2))}%`;
}

function jsonTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeArticle(t: string): string {
  return (
    { string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true/false', array: 'a list', object: 'a map', null: 'empty' } as Record<string, string>
  )[t] ?? t;
}

function yamlNumberText(s: string): string {
  return s.replace(/^["']|["']$/g, '');
}

/** Closest candidate by case-insensitive equality or an edit distance of at most 2. */
function closest(word: string, candidates: string[]): string | undefined {
  const lower = word.toLowerCase();
  const normal = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  const exact = candidates.find((c) => c.toLowerCase() === lower || normal(c) === normal(word));
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length][b.length];
}

/**
 * A Go duration for common non-Go spellings: days and weeks in hours, `min`/`sec`/`hr` words, upper-case
 * units, spaces between parts, a bare number of seconds.
 */
export function suggestDuration(text: string): string | undefined {
  const valid = (s: string) => (s !== text && !('error' in goParseDuration(s)) ? s : undefined);
  const t = text.trim().replace(/\s+/g, '');
  if (/^\d+(\.\d+)?$/.test(t)) return valid(`${t}s`);
  const unitWords: [RegExp, string][] = [
    [/^(?:seconds?|secs?|S)$/, 's'],
    [/^(?:minutes?|mins?|M)$/, 'm'],
    [/^(?:hours?|hrs?|H)$/, 'h'],
    [/^(?:MS|Ms|millis|milliseconds?)$/, 'ms'],
  ];
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?|\.\d+)([a-zA-Zµμ]+)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== t) return undefined;
  let ns = 0;
  let out = '';
  for (const [, num, unit] of parts) {
    if (/^(?:d|days?|D)$/.test(unit)) {
      ns += Number(num) * 24;
      continue;
    }
    if (/^(?:w|weeks?|W)$/.test(unit)) {
      ns += Number(num) * 24 * 7;
      continue;
    }
    const mapped = unitWords.find(([re]) => re.test(unit))?.[1] ?? unit;
    out += `${num}${mapped}`;
  }
  const hours = ns > 0 ? `${Number(ns.toFixed(6))}h` : '';
  return valid(`${hours}${out}`);
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}

function displayPath(path: Path): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

function pathKey(path: Path): string {
  return JSON.stringify(path);
}

function pathStartsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => p === path[i]);
}

/**
 * Column of a line's ` #` comment, or -1: a `#` after white space and outside quotes (`" #": 1` is a
 * key, not a comment; found by the generated-input tests).
 */
function commentStart(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === '"' && c === '\\') i++;
    else if (quote === "'" && c === "'" && line[i + 1] === "'") i++; // '' is a quote inside '…'
    else if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      // a quote opens a scalar only where one can start (after white space or flow punctuation)
      if (i === 0 || /[\s:,[{-]/.test(line[i - 1])) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return i;
  }
  return -1;
}
