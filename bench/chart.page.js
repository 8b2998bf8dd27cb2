// Runs inside Chromium (loaded by bench/chart.bench.ts after uPlot and Chart.js): draws the same
// hour of memory curves with each library in this one page and times redraws. A redraw is the
// live panel's path: the data handed over again (uPlot setData, Chart.js update('none')), until
// the pixels are on the canvas (a getImageData read forces the canvas to rasterise).
/* global uPlot, Chart */
window.runChartBench = async function runChartBench({ points, series, redraws, warmup, width, height }) {
  // One hour at 4 Hz: x in seconds, six memory curves in MiB (ramps with noise, like a stress).
  const xs = new Float64Array(points);
  const ys = [];
  for (let s = 0; s < series; s++) ys.push(new Float64Array(points));
  let seed = 42;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 4;
  for (let i = 0; i < points; i++) {
    xs[i] = i / 4;
    for (let s = 0; s < series; s++) ys[s][i] = 64 * (s + 1) + ((i % 2400) / 2400) * 256 + noise();
  }
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

  async function time(draw) {
    for (let i = 0; i < warmup; i++) await draw();
    const ms = [];
    for (let i = 0; i < redraws; i++) {
      const t = performance.now();
      await draw();
      ms.push(performance.now() - t);
    }
    return ms.sort((a, b) => a - b);
  }

  // uPlot: the panel's library; it commits in a microtask, so a redraw ends at its draw hook.
  const uHost = document.createElement('div');
  document.body.append(uHost);
  let drawn = () => {};
  const u = new uPlot(
    {
      width,
      height,
      scales: { x: { time: false } },
      series: [{}, ...colors.slice(0, series).map((stroke, i) => ({ label: `series ${i + 1}`, stroke, width: 1 }))],
      hooks: { draw: [() => drawn()] },
    },
    [xs, ...ys],
    uHost,
  );
  const uCanvas = uHost.querySelector('canvas');
  const uplotMs = await time(
    () =>
      new Promise((resolve) => {
        drawn = () => {
          uCanvas.getContext('2d').getImageData(0, 0, 1, 1);
          resolve();
        };
        u.setData([xs, ...ys]);
      }),
  );
  u.destroy();
  uHost.remove();

  // Chart.js with its documented performance settings: no animation, pre-parsed normalized data,
  // no points, and the min-max decimation plugin (the fastest it offers for long line series).
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  document.body.append(canvas);
  const datasets = ys.map((y, s) => ({
    label: `series ${s + 1}`,
    borderColor: colors[s],
    borderWidth: 1,
    pointRadius: 0,
    spanGaps: true,
    data: Array.from(y, (v, i) => ({ x: xs[i], y: v })),
  }));
  const chart = new Chart(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      responsive: false,
      animation: false,
      parsing: false,
      normalized: true,
      devicePixelRatio: 1,
      scales: { x: { type: 'linear' }, y: { type: 'linear' } },
      plugins: { decimation: { enabled: true, algorithm: 'min-max' }, legend: { display: true }, tooltip: { enabled: false } },
    },
  });
  const ctx = canvas.getContext('2d');
  const chartjsMs = await time(() => {
    chart.update('none');
    ctx.getImageData(0, 0, 1, 1);
  });
  chart.destroy();
  canvas.remove();
  return { uplotMs, chartjsMs };
};
