// The benchmark table (scripts/bench.mjs writes it into the README, or prints it for --quick):
// pure functions over the bench/results/<suite>.json contents (format: bench/util.ts `Figure`).

/** The figures issue 13 promises, with the suite that records each: missing ones still get a row. */
export const PROMISED = {
  'sample-interval-median-ms': 'panel',
  'sample-interval-p95-ms': 'panel',
  'sampler-target-cpu-pct': 'panel',
  'sampler-target-cpu-pct-10hz': 'panel',
  'oom-marker-latency-ms': 'panel',
  'tree-requests-per-refresh': 'tree',
  'tree-host-cpu-ms': 'tree',
  'tree-requests-per-refresh-5000': 'tree',
  'tree-host-cpu-ms-5000': 'tree',
  'chart-redraw-ms': 'chart',
  'validate-2000-lines-ms': 'editor',
  'activation-ms': 'activation',
  'plain-yaml-open-ms': 'activation',
  'vsix-bytes': 'vsix',
  'sandbox-start-ms': 'sandbox',
  'sandbox-bytes-per-pod': 'sandbox',
};

function num(v) {
  return v.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

function cell(text) {
  return String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** "12× better" / "3.4× worse": baseline over figure when lower is better, figure over baseline when higher is. */
export function ratio(f) {
  if (f.value === null || !f.baseline || f.baseline.value === null || f.value === 0 || f.baseline.value === 0) return '';
  const r = f.better === 'lower' ? f.baseline.value / f.value : f.value / f.baseline.value;
  const show = (x) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));
  return r >= 1 ? `${show(r)}× better` : `${show(1 / r)}× worse`;
}

/** "≤ 250 ms ✓", "≤ 16 ms ✗ misses goal", or "" when the figure promises nothing. */
export function goalCell(f) {
  if (f.goal === undefined) return '';
  const goal = `${f.better === 'lower' ? '≤' : '≥'} ${num(f.goal)} ${f.unit}`;
  if (f.value === null) return `${goal} ✗ not measured`;
  const met = f.better === 'lower' ? f.value <= f.goal : f.value >= f.goal;
  return met ? `${goal} ✓` : `${goal} **✗ misses goal**`;
}

/**
 * The README table: one row per recorded figure (suites in the order given), a row for a suite
 * that failed, and a "not measured" row for every promised figure no suite recorded.
 * `suites` names the bench/*.bench.ts files that exist; `quick` says the results are a quick run's.
 */
export function renderTable(results, { suites, quick }) {
  const rows = [];
  const seen = new Set();
  for (const r of results) {
    const load = r.machine?.loadAverage;
    const busy = load && r.machine.cpus ? `, load ${load.start}→${load.end} on ${r.machine.cpus} cores` : '';
    const taken = `${r.takenAt.slice(0, 10)}${r.quick ? ' quick' : ''}${busy}`;
    for (const f of r.figures) {
      // ids are unique within a suite (bench/util.ts checks); across suites this run says so
      const duplicate = seen.has(f.id) ? ' **(duplicate id: two suites record it)**' : '';
      seen.add(f.id);
      const value = f.value === null ? '**not measured**' : `${num(f.value)} ${f.unit}`;
      const baseline = f.baseline ? `${f.baseline.name}: ${f.baseline.value === null ? 'not measured' : `${num(f.baseline.value)} ${f.unit}`}` : '';
      rows.push(`| ${r.suite} | \`${f.id}\`${duplicate} | ${cell(f.what)} | ${value} | ${cell(goalCell(f))} | ${cell(baseline)} | ${ratio(f)} | ${cell(f.note)} | ${taken} |`);
    }
    if (r.error) rows.push(`| ${r.suite} | | **the suite failed**: ${cell(r.error)} | | | | | | ${taken} |`);
  }
  for (const [id, suite] of Object.entries(PROMISED)) {
    if (seen.has(id)) continue;
    const ran = results.some((r) => r.suite === suite);
    const why = suites.includes(suite)
      ? ran ? `bench/${suite}.bench.ts ran without recording it` : `bench/${suite}.bench.ts has not run${quick ? ' in this quick run' : ''}`
      : `bench/${suite}.bench.ts does not exist yet`;
    rows.push(`| ${suite} | \`${id}\` | | **not measured** | | | | ${why} | |`);
  }
  return ['| suite | id | what | figure | goal | baseline (same run) | vs baseline | how | taken |', '|---|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}
