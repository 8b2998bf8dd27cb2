// The memory chart: uPlot (the time-series engine Grafana uses) over the samples the host sends.
// Curves per container (working set, usage, RSS, page cache), plus what uPlot does not know and a
// draw hook paints on its canvas: the request and limit lines, the expected plateau, the shaded
// experiment windows and the event markers. Colours come from the theme's `--vscode-*` variables;
// the chart is rebuilt when the theme changes (a canvas does not follow CSS variables).
import uPlot from 'uplot';
import { CURVES, type ContainerInfo, type Curve, type MarkerKind, type OverlayRun, type SampleBatch, type StatusView, type TimelineEntry } from './protocol';

const CURVE_LABEL: Record<Curve, string> = { workingSet: 'working set', usage: 'usage', rss: 'RSS', cache: 'page cache' };
const CURVE_COLOUR: Record<Curve, string> = {
  workingSet: '--vscode-charts-blue',
  usage: '--vscode-charts-purple',
  rss: '--vscode-charts-green',
  cache: '--vscode-charts-yellow',
};
const MARKER_COLOUR: Record<MarkerKind, string> = {
  'oom-kill': '--vscode-charts-red',
  'oom-killed': '--vscode-charts-red',
  probe: '--vscode-charts-orange',
  restart: '--vscode-charts-orange',
  eviction: '--vscode-charts-red',
  pause: '--vscode-charts-lines',
  resume: '--vscode-charts-lines',
  other: '--vscode-charts-lines',
};

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

export function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return mib >= 1024 ? `${(mib / 1024).toFixed(2)} GiB` : `${mib.toFixed(1)} MiB`;
}

const MIB = 1024 * 1024;
const BYTE_INCREMENTS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1024, 2048, 5120, 10240, 20480, 51200].map((m) => m * MIB);

function formatAxisBytes(bytes: number): string {
  const mib = bytes / MIB;
  return mib >= 1024 ? `${+(mib / 1024).toFixed(1)} GiB` : `${Math.round(mib)} MiB`;
}

interface ContainerData {
  info: ContainerInfo;
  times: number[];
  values: Record<Curve, number[]>;
}

/** Holds the samples in the panel (the host keeps the authoritative copy) and draws them. */
export class MemoryChart {
  private readonly data = new Map<string, ContainerData>();
  private plot: uPlot | null = null;
  private plotKeys = '';
  private status: StatusView | null = null;
  private markers: TimelineEntry[] = [];
  private overlay: OverlayRun | null = null;
  private pending = false;
  /** The user zoomed or panned: new samples must not reset the x range. */
  private zoomed = false;
  /** Series hidden by the user (legend clicks), by label; kept across rebuilds and reloads. */
  readonly hidden = new Set<string>();
  /** Time (ms) of the last drawn frame, for tests and the benchmark. */
  lastDrawMs = 0;

  constructor(
    private readonly host: HTMLElement,
    private readonly onHiddenChange: () => void,
  ) {
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(host);
  }

  setContainers(containers: readonly ContainerInfo[]): void {
    for (const info of containers) {
      const d = this.data.get(info.key);
      if (d) d.info = info;
      else this.data.set(info.key, { info, times: [], values: { workingSet: [], usage: [], rss: [], cache: [] } });
    }
    this.schedule();
  }

  addSamples(batches: readonly SampleBatch[]): void {
    for (const b of batches) {
      const d = this.data.get(b.container);
      if (!d) continue;
      for (let i = 0; i < b.times.length; i++) {
        d.times.push((b.times[i] as number) / 1000);
        for (const c of CURVES) d.values[c].push(b.values[c][i] as number);
      }
    }
    this.schedule();
  }

  setStatus(status: StatusView): void {
    this.status = status;
    this.schedule();
  }

  setMarkers(entries: readonly TimelineEntry[]): void {
    this.markers = [...entries];
    this.schedule();
  }

  setOverlay(overlay: OverlayRun | null): void {
    this.overlay = overlay;
    this.rebuild();
  }

  /** The chart as a PNG data URL (axes and curves are drawn on the canvas). */
  toPng(): string | null {
    return this.plot ? this.plot.ctx.canvas.toDataURL('image/png') : null;
  }

  /** Theme changed: colours are read again, the chart is rebuilt. */
  rebuild(): void {
    this.plot?.destroy();
    this.plot = null;
    this.plotKeys = '';
    this.schedule();
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(320, this.host.clientWidth), height: 320 };
  }

  /** At most one redraw per animation frame, however fast samples arrive. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private containers(): ContainerData[] {
    return [...this.data.values()].filter((d) => d.times.length > 0);
  }

  /** One x array for every container: uPlot.join aligns their timestamps (gaps elsewhere). */
  private aligned(): uPlot.AlignedData {
    const tables: uPlot.AlignedData[] = this.containers().map((d) => [d.times, ...CURVES.map((c) => d.values[c])]);
    if (this.overlay !== null && tables.length > 0) {
      const start = (tables[0] as uPlot.AlignedData)[0][0] as number;
      tables.push([this.overlay.offsets.map((o) => start + o / 1000), [...this.overlay.workingSet]]);
    }
    if (tables.length === 1) return tables[0] as uPlot.AlignedData;
    return uPlot.join(tables as uPlot.AlignedData[]);
  }

  draw(): void {
    const started = performance.now();
    const containers = this.containers();
    if (containers.length === 0) return;
    const keys = containers.map((d) => d.info.key).join('|') + (this.overlay ? '|overlay' : '');
    const data = this.aligned();
    if (this.plot === null || keys !== this.plotKeys) {
      this.plot?.destroy();
      this.plot = new uPlot(this.options(containers), data, this.host);
      this.plotKeys = keys;
      this.zoomed = false;
      this.attachWheel(this.plot);
    } else {
      this.plot.setData(data, !this.zoomed);
    }
    this.lastDrawMs = performance.now() - started;
    // Read by the panel benchmark (and handy in the webview's devtools).
    this.host.dataset.drawMs = this.lastDrawMs.toFixed(3);
  }

  private options(containers: ContainerData[]): uPlot.Options {
    const fg = cssVar('--vscode-foreground', '#333');
    const grid = cssVar('--vscode-charts-lines', 'rgba(128,128,128,0.3)');
    const multi = containers.length > 1;
    const series: uPlot.Series[] = [{ label: 'time' }];
    for (const d of containers) {
      for (const c of CURVES) {
        const label = multi ? `${d.info.label} ${CURVE_LABEL[c]}` : CURVE_LABEL[c];
        series.push({
          label,
          show: !this.hidden.has(label),
          stroke: cssVar(CURVE_COLOUR[c], '#888'),
          width: c === 'workingSet' ? 2 : 1,
          value: (_u, v) => (v == null ? '—' : formatBytes(v)),
          spanGaps: false,
        });
      }
    }
    if (this.overlay !== null) {
      series.push({ label: `${this.overlay.label} working set`, stroke: cssVar('--vscode-charts-lines', '#999'), width: 1.5, dash: [6, 4], value: (_u, v) => (v == null ? '—' : formatBytes(v)) });
    }
    const axis: uPlot.Axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    return {
      ...this.size(),
      series,
      axes: [
        { ...axis },
        // ticks at whole MiB steps (1, 2, 5 × 10^n MiB), labels without decimals
        { ...axis, size: 80, incrs: BYTE_INCREMENTS, values: (_u, vals) => vals.map((v) => formatAxisBytes(v)) },
      ],
      scales: { y: { range: (_u, min, max) => this.yRange(min, max) } },
      cursor: { drag: { x: true, y: false, setScale: true } },
      legend: { live: true },
      hooks: {
        draw: [(u) => this.paintOverlays(u)],
        // A drag-selection zooms (uPlot); double-click resets (uPlot) and follows live samples again.
        setSelect: [(u) => void (u.select.width > 0 && (this.zoomed = true))],
        ready: [(u) => u.over.addEventListener('dblclick', () => void (this.zoomed = false))],
        setSeries: [
          (u, index) => {
            if (index === null) return;
            const s = u.series[index];
            if (!s?.label) return;
            const label = String(s.label);
            if (s.show) this.hidden.delete(label);
            else this.hidden.add(label);
            this.onHiddenChange();
          },
        ],
      },
    };
  }

  /** Mouse wheel: zoom the time axis around the cursor; with Shift, pan it. */
  private attachWheel(u: uPlot): void {
    u.over.addEventListener(
      'wheel',
      (e: WheelEvent) => {
        e.preventDefault();
        const { min, max } = u.scales.x;
        if (min === undefined || max === undefined || min === null || max === null) return;
        const span = max - min;
        if (e.shiftKey) {
          const shift = (span * Math.sign(e.deltaY || e.deltaX)) / 10;
          u.setScale('x', { min: min + shift, max: max + shift });
        } else {
          const at = u.posToVal(e.offsetX, 'x');
          const factor = e.deltaY < 0 ? 0.8 : 1.25;
          u.setScale('x', { min: at - (at - min) * factor, max: at + (max - at) * factor });
        }
        this.zoomed = true;
      },
      { passive: false },
    );
  }

  /** The y scale always shows 0 and the limit, so the distance to the limit is never hidden. */
  private yRange(min: number, max: number): uPlot.Range.MinMax {
    let top = max;
    for (const d of this.data.values()) {
      if (d.info.limitBytes !== null) top = Math.max(top, d.info.limitBytes);
      if (d.info.requestBytes !== null) top = Math.max(top, d.info.requestBytes);
    }
    for (const v of Object.values(this.status?.expectedPlateau ?? {})) top = Math.max(top, v);
    return [Math.min(0, min), top * 1.08 || 1];
  }

  private paintOverlays(u: uPlot): void {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const x = (ms: number) => u.valToPos(ms / 1000, 'x', true);
    const y = (bytes: number) => u.valToPos(bytes, 'y', true);
    const dpr = devicePixelRatio || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    // experiment windows, shaded
    ctx.fillStyle = cssVar('--vscode-charts-blue', '#36c');
    ctx.globalAlpha = 0.07;
    const lastX = u.data[0][u.data[0].length - 1] ?? 0;
    for (const w of this.status?.windows ?? []) {
      const x0 = x(w.start);
      const x1 = w.end === null ? u.valToPos(lastX, 'x', true) : x(w.end);
      ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
    }
    ctx.globalAlpha = 1;
    const hline = (bytes: number, colour: string, dash: number[], label: string): void => {
      const yy = y(bytes);
      ctx.strokeStyle = colour;
      ctx.fillStyle = colour;
      ctx.lineWidth = dpr;
      ctx.setLineDash(dash.map((d) => d * dpr));
      ctx.beginPath();
      ctx.moveTo(left, yy);
      ctx.lineTo(left + width, yy);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = `${11 * dpr}px ${cssVar('--vscode-font-family', 'sans-serif')}`;
      // uPlot leaves the context aligned for its own axis labels: set ours.
      ctx.textAlign = 'left';
      ctx.textBaseline = 'bottom';
      ctx.fillText(label, left + 4 * dpr, yy - 2 * dpr);
    };
    for (const d of this.data.values()) {
      if (d.info.limitBytes !== null) hline(d.info.limitBytes, cssVar('--vscode-charts-red', '#c33'), [], `limit ${formatBytes(d.info.limitBytes)}`);
      if (d.info.requestBytes !== null) hline(d.info.requestBytes, cssVar('--vscode-charts-green', '#393'), [4, 4], `request ${formatBytes(d.info.requestBytes)}`);
    }
    for (const [key, bytes] of Object.entries(this.status?.expectedPlateau ?? {})) {
      hline(bytes, cssVar('--vscode-charts-blue', '#36c'), [8, 4], `expected plateau ${formatBytes(bytes)}${this.data.size > 1 ? ` (${key})` : ''}`);
    }
    // event markers: a vertical line and a small triangle at the top
    for (const m of this.markers) {
      const xx = x(m.time);
      if (xx < left || xx > left + width) continue;
      ctx.strokeStyle = cssVar(MARKER_COLOUR[m.marker], '#c33');
      ctx.fillStyle = ctx.strokeStyle;
      ctx.lineWidth = dpr;
      ctx.setLineDash(m.marker === 'oom-kill' ? [] : [3 * dpr, 3 * dpr]);
      ctx.beginPath();
      ctx.moveTo(xx, top);
      ctx.lineTo(xx, top + height);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.beginPath();
      ctx.moveTo(xx - 5 * dpr, top);
      ctx.lineTo(xx + 5 * dpr, top);
      ctx.lineTo(xx, top + 8 * dpr);
      ctx.fill();
    }
    ctx.restore();
  }
}
