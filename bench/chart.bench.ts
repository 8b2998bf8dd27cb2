// The memory chart's redraw cost in a real browser: one hour of samples at 4 Hz × 6 series drawn
// by uPlot (the library the results panel uses, with the panel's data shape: x in seconds, one
// Float64Array per series) and by Chart.js (what one would reach for instead, with its documented
// performance settings) in the same Chromium page run (bench/chart.page.js). Debian's Chromium
// through playwright-core, offline, no GPU, 1,200 × 400 px at device pixel ratio 1. The figure is
// the median redraw (data handed over again → pixels on the canvas) after a warm-up.
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium } from '../test/harness/codeServer.mjs';
import { benchSuite, median, percentile, round, sized } from './util';

const modules = path.resolve(__dirname, '..', 'node_modules');
const version = (pkg: string): string => (JSON.parse(fs.readFileSync(path.join(modules, pkg, 'package.json'), 'utf8')) as { version: string }).version;

benchSuite('chart', async (record) => {
  const options = { points: 3600 * 4, series: 6, redraws: sized(50, 15), warmup: sized(5, 3), width: 1200, height: 400 };
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
    await page.addStyleTag({ path: path.join(modules, 'uplot', 'dist', 'uPlot.min.css') });
    await page.addScriptTag({ path: path.join(modules, 'uplot', 'dist', 'uPlot.iife.min.js') });
    await page.addScriptTag({ path: path.join(modules, 'chart.js', 'dist', 'chart.umd.min.js') });
    await page.addScriptTag({ path: path.join(__dirname, 'chart.page.js') });
    const { uplotMs, chartjsMs } = await page.evaluate(
      (o) => (window as unknown as { runChartBench(o: unknown): Promise<{ uplotMs: number[]; chartjsMs: number[] }> }).runChartBench(o),
      options,
    );
    const p95 = (ms: number[]): string => `${round(percentile(ms, 95))} ms`;
    record({
      id: 'chart-redraw-ms',
      what: `redraw of 1 h at 4 Hz × ${options.series} series (${options.points.toLocaleString('en-US')} points each) with uPlot ${version('uplot')}`,
      value: round(median(uplotMs)),
      unit: 'ms',
      goal: 16,
      better: 'lower',
      baseline: { name: `Chart.js ${version('chart.js')} (no animation, parsing off, min-max decimation)`, value: round(median(chartjsMs)) },
      note: `median of ${options.redraws} redraws in one page (p95: uPlot ${p95(uplotMs)}, Chart.js ${p95(chartjsMs)}); Chromium ${browser.version()}, software canvas`,
    });
  } finally {
    await browser.close();
  }
});
