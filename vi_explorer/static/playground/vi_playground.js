/*
 * The playground's page: controls, two SVG figures and a training Worker.
 *
 * Every element <div data-playground-slot></div> of the page becomes a
 * playground. The numerics live in vi_playground_core.js (loaded first, as
 * window.VIPlaygroundCore); this file only draws and talks to the Worker, so the
 * page stays responsive while the network trains.
 *
 * A contract for tests: the root element carries data-playground, data-state
 * (idle | training | done), data-epoch, data-coverage and data-width (held-out
 * coverage and mean width of the current 90 % band); the inputs are named sigma,
 * epochs, seed, lr, model and data. On chapter 7's data set, data-coverage-inside,
 * -hole and -beyond hold each region's coverage. While a change waits for its
 * run, data-preview names the precomputed grid cell on screen (model|sigma|epochs).
 *
 * The settings live in the URL (#model=beta_nll&sigma=1.3&...), so that a teacher
 * can share one. The URL is untrusted: core.parseSettings checks and clamps each
 * value, a bad one falls back to its default and the page says so, and no text
 * from the URL is ever written as HTML (textContent and setAttribute only).
 */
(function () {
  'use strict';

  var core = window.VIPlaygroundCore;
  if (!core) return;
  var SVG = 'http://www.w3.org/2000/svg';
  var Y_LIMITS = [-40, 40]; // the explorer's fixed y axis, so that σ's effect shows
  var DATA_POINTS = 300; // noisy points drawn (an evenly spaced subset)
  var RESTART_MS = 300; // a change starts a new run after this pause

  // Model names follow vi_helpers.i18n.LABELS (row_mle, row_source, row_beta_nll);
  // tests/test_playground.py checks that they stay the same.
  var LABELS = {
    en: {
      title: 'Train it in your browser',
      intro: 'Full-batch Adam on n = {n} points ({nTrain} for training, {nVal} held out), ' +
        'in a background thread of this page. Change a setting and the run starts again.',
      model: 'model', sigma: 'noise σ', epochs: 'epochs', seed: 'seed', lr: 'learning rate',
      mle: 'MLE + residual σ', source: "the source's variational regression",
      beta_nll: 'β-NLL, β = 0.5',
      data: 'data set', cubic: 'the cubic, constant noise (chapters 1–6)',
      hetero: 'chapter 7: noise grows with |x|, a hole, x beyond the data',
      heteroSigma: 'σ(x) = 0.3 + 0.57|x|',
      regions: { inside: 'inside the data', hole: 'in the hole', beyond: 'beyond the data' },
      regionLine: 'coverage {coverage}, width {width} (oracle {oracle})',
      nearest: 'First picture: the precomputed run nearest to these settings ' +
        '(σ = {sigma}, {epochs} epochs, seed 0), until the new run reports.',
      train: 'Train', stop: 'Stop', resume: 'Resume',
      idle: 'Ready: press Train or change a setting.',
      training: 'Training… epoch {epoch} of {epochs}',
      stopped: 'Stopped at epoch {epoch} of {epochs}.',
      done: 'Done: {epochs} epochs in {seconds} s.',
      failed: 'Training stopped: {message}. Try a smaller learning rate.',
      previous: 'showing the last run until the new one reports',
      coverage: 'held-out points in the band', target: 'target 0.900',
      width: 'mean band width', calibrated: 'calibrated: {value}',
      epoch: 'epoch', loss: 'training loss',
      points: 'noisy data', true_f: 'true function f(x)', band: '90 % band (mu ± 1.645·sigma)',
      median: 'median', mle_fit: 'MLE fit',
      bandFigure: 'Data, true function and the model\'s 90 % band',
      lossFigure: 'Training loss by epoch',
      invalid: 'The link\'s {name} "{text}" is not a valid value; using {value}.',
      clamped: 'The link\'s {name} "{text}" is out of range; using {value}.',
      typed: '{name} "{text}" is not a valid value; using {value}.',
      typedClamped: '{name} "{text}" is out of range; using {value}.',
    },
    ko: {
      title: '브라우저에서 직접 학습하기',
      intro: 'n = {n}개 점({nTrain}개로 학습, {nVal}개는 검증용)에 전체 배치 Adam을 ' +
        '이 페이지의 백그라운드 스레드에서 돌립니다. 설정을 바꾸면 학습을 다시 시작합니다.',
      model: '모델', sigma: '잡음 σ', epochs: '에폭', seed: '시드', lr: '학습률',
      mle: 'MLE + 잔차 σ', source: '원문의 변분 회귀', beta_nll: 'β-NLL, β = 0.5',
      data: '데이터', cubic: '3차 함수, 일정한 잡음 (1–6장)',
      hetero: '7장: |x|와 함께 커지는 잡음, 빈 구간, 데이터 바깥의 x',
      heteroSigma: 'σ(x) = 0.3 + 0.57|x|',
      regions: { inside: '안쪽', hole: '빈 구간', beyond: '데이터 바깥' },
      regionLine: '포함률 {coverage}, 폭 {width} (오라클 {oracle})',
      nearest: '첫 그림: 이 설정에 가장 가까운 미리 계산한 결과' +
        '(σ = {sigma}, {epochs} 에폭, 시드 0)를 새 학습 결과가 나올 때까지 보여 줍니다.',
      train: '학습', stop: '멈춤', resume: '계속',
      idle: '준비됨: 학습 버튼을 누르거나 설정을 바꾸세요.',
      training: '학습 중… {epochs} 에폭 중 {epoch}',
      stopped: '{epochs} 에폭 중 {epoch}에서 멈춤.',
      done: '완료: {epochs} 에폭, {seconds}초.',
      failed: '학습 중단: {message}. 학습률을 낮춰 보세요.',
      previous: '새 결과가 나올 때까지 이전 결과를 보여 줍니다',
      coverage: '구간 안의 검증 데이터 비율', target: '목표 0.900',
      width: '평균 구간 폭', calibrated: '보정된 폭: {value}',
      epoch: '에폭', loss: '학습 손실',
      points: '잡음이 섞인 데이터', true_f: '참 함수 f(x)', band: '90 % 구간 (mu ± 1.645·sigma)',
      median: '중앙값', mle_fit: 'MLE 적합',
      bandFigure: '데이터, 참 함수, 모델의 90 % 구간',
      lossFigure: '에폭별 학습 손실',
      invalid: '링크의 {name} 값 "{text}"이(가) 올바르지 않아 {value}(으)로 바꿨습니다.',
      clamped: '링크의 {name} 값 "{text}"이(가) 범위를 벗어나 {value}(으)로 바꿨습니다.',
      typed: '{name} 값 "{text}"이(가) 올바르지 않아 {value}(으)로 바꿨습니다.',
      typedClamped: '{name} 값 "{text}"이(가) 범위를 벗어나 {value}(으)로 바꿨습니다.',
    },
  };

  // ------------------------------------------------------------------ helpers

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) {
      return key in values ? String(values[key]) : m;
    });
  }

  // Numbers the same in both languages: a fixed count of decimals, no locale.
  function fmt(x, decimals) { return Number(x).toFixed(decimals); }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A URL's text shown back to the reader: short, and only ever as textContent.
  function shown(text) {
    text = String(text);
    return text.length > 24 ? text.slice(0, 24) + '…' : text;
  }

  function thousands(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }

  // The static explorer's grid on this page (its JSON, parsed once, never run),
  // or null: the playground's instant first picture.
  var gridCache;
  function pageGrid() {
    if (gridCache !== undefined) return gridCache;
    gridCache = null;
    var node = document.querySelector('script[type="application/json"][data-role="grid"]');
    if (!node) return gridCache;
    try {
      var g = JSON.parse(node.textContent);
      if (g && Array.isArray(g.x) && g.cells && typeof g.cells === 'object') gridCache = g;
    } catch (err) { /* no first picture from the grid; the live run still comes */ }
    return gridCache;
  }

  // --------------------------------------------------------------- the worker

  // A Worker from a Blob of the core's own source: no URL to load, so it works
  // from file:// too. Where a Worker cannot start, the same code runs in the page
  // in slices of ~15 ms (slower to finish, but the page still answers).
  function startWorker(onMessage) {
    var src = 'var core = ' + core.source + ';\ncore.serveWorker(self);\n';
    var worker = null, fallback = null, pending = [];
    function inPage() {
      var scope = { postMessage: function (m) { onMessage({ data: m }); } };
      core.serveWorker(scope);
      return { postMessage: function (m) {
        setTimeout(function () { scope.onmessage({ data: m }); }, 0);
      } };
    }
    try {
      var url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
      worker = new Worker(url);
      worker.onmessage = function (event) {
        URL.revokeObjectURL(url);
        onMessage(event);
      };
      worker.onerror = function () { // e.g. a page whose policy forbids blob: workers
        worker = null;
        fallback = inPage();
        pending.forEach(function (m) { fallback.postMessage(m); });
      };
    } catch (err) {
      fallback = inPage();
    }
    return { postMessage: function (m) {
      if (m.type === 'start') pending = [m]; else pending.push(m);
      (worker || fallback).postMessage(m);
    } };
  }

  // ------------------------------------------------------------------ figures

  var BAND = { W: 640, H: 360, L: 44, R: 12, T: 12, B: 34 };
  var LOSS = { W: 640, H: 170, L: 56, R: 12, T: 10, B: 34 };

  function scaleX(box, lo, hi) {
    return function (x) { return box.L + (x - lo) / (hi - lo) * (box.W - box.L - box.R); };
  }
  function scaleY(box, lo, hi) {
    return function (y) {
      y = Math.max(lo, Math.min(hi, y));
      return box.T + (hi - y) / (hi - lo) * (box.H - box.T - box.B);
    };
  }

  function polyline(xs, ys, X, Y) {
    var pts = [];
    for (var i = 0; i < xs.length; i++) pts.push(X(xs[i]).toFixed(1) + ',' + Y(ys[i]).toFixed(1));
    return pts.join(' ');
  }

  function axes(svg, box, xTicks, yTicks, X, Y, xLabel, yLabel) {
    var g = svgEl('g', { class: 'vi-pg-axes' });
    g.appendChild(svgEl('rect', { x: box.L, y: box.T, width: box.W - box.L - box.R,
      height: box.H - box.T - box.B, class: 'vi-pg-frame' }));
    xTicks.forEach(function (t) {
      g.appendChild(svgEl('text', { x: X(t).toFixed(1), y: box.H - box.B + 14,
        'text-anchor': 'middle' }, t.label || String(t)));
    });
    yTicks.forEach(function (t) {
      g.appendChild(svgEl('text', { x: box.L - 6, y: (Y(t) + 4).toFixed(1),
        'text-anchor': 'end' }, String(t)));
    });
    g.appendChild(svgEl('text', { x: ((box.L + box.W - box.R) / 2).toFixed(1),
      y: box.H - 4, 'text-anchor': 'middle' }, xLabel));
    if (yLabel) {
      g.appendChild(svgEl('text', { x: 12, y: ((box.T + box.H - box.B) / 2).toFixed(1),
        'text-anchor': 'middle', transform: 'rotate(-90 12 ' +
        ((box.T + box.H - box.B) / 2).toFixed(1) + ')' }, yLabel));
    }
    svg.appendChild(g);
  }

  function niceStep(span) {
    var p = Math.pow(10, Math.floor(Math.log10(span / 4)));
    var m = span / 4 / p;
    return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
  }

  // --------------------------------------------------------------- one mount

  function mount(slot) {
    if (slot.getAttribute('data-playground-mounted')) return;
    slot.setAttribute('data-playground-mounted', '1');
    var docLang = (document.documentElement.getAttribute('lang') || 'en').toLowerCase();
    var lang = docLang.indexOf('ko') === 0 ? 'ko' : 'en';
    var T = LABELS[lang];
    var id = 'vi-pg-' + (mount.count = (mount.count || 0) + 1);

    var fromUrl = core.parseSettings(urlSettings());
    var settings = fromUrl.settings;

    var root = el('div', { class: 'vi-playground', 'data-playground': '', 'data-state': 'idle',
      'data-epoch': '0', 'data-coverage': '', 'data-width': '', lang: lang, id: id });
    root.appendChild(el('p', { class: 'vi-pg-title' }, T.title));
    var intro = el('p', { class: 'vi-pg-intro' });
    root.appendChild(intro);
    function showIntro(data) { // the counts of the data set on screen
      intro.textContent = fill(T.intro, { n: data.x.length, nTrain: data.trainIdx.length,
        nVal: data.x.length - data.trainIdx.length });
    }

    // controls: native inputs with labels, so the keyboard and screen readers work
    var controls = el('div', { class: 'vi-pg-controls' });
    function field(name, input, output) {
      var label = el('label', { for: id + '-' + name }, T[name]);
      var wrap = el('span', { class: 'vi-pg-field' });
      input.id = id + '-' + name;
      input.name = name;
      wrap.appendChild(label);
      wrap.appendChild(input);
      if (output) wrap.appendChild(output);
      controls.appendChild(wrap);
      return input;
    }
    var modelIn = el('select');
    Object.keys(core.MODELS).forEach(function (key) {
      modelIn.appendChild(el('option', { value: key }, T[key]));
    });
    field('model', modelIn);
    var dataIn = el('select');
    core.DATASETS.forEach(function (key) { dataIn.appendChild(el('option', { value: key }, T[key])); });
    field('data', dataIn);
    var r = core.RANGES;
    var sigmaOut = el('output', { for: id + '-sigma' });
    var sigmaIn = field('sigma', el('input', { type: 'range', min: r.sigma.min, max: r.sigma.max,
      step: '0.01' }), sigmaOut);
    var epochsIn = field('epochs', el('input', { type: 'number', min: r.epochs.min,
      max: r.epochs.max, step: '1', inputmode: 'numeric' }));
    var seedIn = field('seed', el('input', { type: 'number', min: r.seed.min, max: r.seed.max,
      step: '1', inputmode: 'numeric' }));
    var lrIn = field('lr', el('input', { type: 'number', min: r.lr.min, max: r.lr.max,
      step: 'any', inputmode: 'decimal' }));
    var trainBtn = el('button', { type: 'button', class: 'vi-pg-train' }, T.train);
    var stopBtn = el('button', { type: 'button', class: 'vi-pg-stop', disabled: '' }, T.stop);
    controls.appendChild(trainBtn);
    controls.appendChild(stopBtn);
    root.appendChild(controls);

    var warning = el('p', { class: 'vi-pg-warning', role: 'alert', hidden: '' });
    root.appendChild(warning);
    var status = el('p', { class: 'vi-pg-status', role: 'status', 'aria-live': 'polite' }, T.idle);
    root.appendChild(status);

    var readout = el('dl', { class: 'vi-pg-readout' });
    function item(label) {
      readout.appendChild(el('dt', {}, label));
      var dd = el('dd', {}, '–');
      readout.appendChild(dd);
      return dd;
    }
    var epochOut = item(T.epoch);
    var coverageOut = item(T.coverage);
    var widthOut = item(T.width);
    var regionOut = {};
    Object.keys(T.regions).forEach(function (name) { regionOut[name] = item(T.regions[name]); });
    root.appendChild(readout);
    function showRegions(on) { // the three regions' lines only for chapter 7's data
      Object.keys(regionOut).forEach(function (name) {
        regionOut[name].hidden = !on;
        regionOut[name].previousSibling.hidden = !on;
      });
    }

    var bandSvg = svgEl('svg', { viewBox: '0 0 ' + BAND.W + ' ' + BAND.H, role: 'img',
      class: 'vi-pg-band', 'aria-labelledby': id + '-band-title' });
    bandSvg.appendChild(svgEl('title', { id: id + '-band-title' }, T.bandFigure));
    var lossSvg = svgEl('svg', { viewBox: '0 0 ' + LOSS.W + ' ' + LOSS.H, role: 'img',
      class: 'vi-pg-loss', 'aria-labelledby': id + '-loss-title' });
    lossSvg.appendChild(svgEl('title', { id: id + '-loss-title' }, T.lossFigure));
    root.appendChild(bandSvg);
    root.appendChild(lossSvg);
    slot.appendChild(root);

    // ------------------------------------------------------------ the band figure
    var X, Y, grid, layoutFor = null;
    var frame = svgEl('g');
    var bandPath = svgEl('path', { class: 'vi-pg-band-area' });
    var dataPath = svgEl('path', { class: 'vi-pg-data' });
    var truePath = svgEl('polyline', { class: 'vi-pg-true' });
    var medianPath = svgEl('polyline', { class: 'vi-pg-median' });
    [frame, bandPath, dataPath, truePath, medianPath].forEach(function (p) {
      bandSvg.appendChild(p);
    });
    var legend = svgEl('g', { class: 'vi-pg-legend' });
    bandSvg.appendChild(legend);

    // Axes for a data set: x over the data (chapter 7: also beyond it, with the
    // hole and the outer regions shaded), y wide enough for f there.
    function layout(data) {
      if (layoutFor === data.name) return;
      layoutFor = data.name;
      while (frame.firstChild) frame.removeChild(frame.firstChild);
      var r = data.xRange, hetero = data.name === 'hetero';
      var yLim = hetero ? [-140, 140] : Y_LIMITS;
      X = scaleX(BAND, r[0], r[1]);
      Y = scaleY(BAND, yLim[0], yLim[1]);
      var xTicks = [];
      for (var t = Math.ceil(r[0]); t <= r[1]; t += 1) xTicks.push(t);
      axes(frame, BAND, xTicks, hetero ? [-120, -60, 0, 60, 120] : [-40, -20, 0, 20, 40],
        X, Y, 'x');
      if (hetero) {
        [[r[0], -3], core.HOLE, [3, r[1]]].forEach(function (span) {
          frame.appendChild(svgEl('rect', { class: 'vi-pg-region', x: X(span[0]).toFixed(1),
            y: BAND.T, width: (X(span[1]) - X(span[0])).toFixed(1),
            height: BAND.H - BAND.T - BAND.B }));
        });
      }
      grid = core.curveGrid(data);
      truePath.setAttribute('points', polyline(grid, grid.map(core.trueFunction), X, Y));
      sigmaIn.disabled = hetero;
      sigmaOut.textContent = hetero ? T.heteroSigma : fmt(settings.sigma, 2);
      showRegions(hetero);
    }

    function drawLegend(model) {
      while (legend.firstChild) legend.removeChild(legend.firstChild);
      var items = [['vi-pg-data-key', T.points], ['vi-pg-true', T.true_f],
        ['vi-pg-band-key', T.band], ['vi-pg-median', model === 'mle' ? T.mle_fit : T.median]];
      items.forEach(function (it, i) {
        var x = BAND.L + 10, y = BAND.T + 14 + i * 16;
        legend.appendChild(svgEl('line', { x1: x, y1: y - 4, x2: x + 18, y2: y - 4, class: it[0] }));
        legend.appendChild(svgEl('text', { x: x + 24, y: y }, it[1]));
      });
    }

    function drawData(data) {
      layout(data);
      var n = data.x.length, step = (n - 1) / (DATA_POINTS - 1), parts = [];
      for (var k = 0; k < DATA_POINTS; k++) {
        var i = Math.round(k * step);
        parts.push('M' + X(data.x[i]).toFixed(1) + ',' + Y(data.y[i]).toFixed(1) + 'h0');
      }
      dataPath.setAttribute('d', parts.join(''));
    }

    function drawBand(msg) {
      if (!msg) {
        bandPath.setAttribute('d', '');
        medianPath.setAttribute('points', '');
        return;
      }
      var xs = msg.x || grid;
      var up = polyline(xs, msg.upper, X, Y);
      var lo = polyline(Array.from(xs).reverse(), Array.from(msg.lower).reverse(), X, Y);
      bandPath.setAttribute('d', 'M' + up + 'L' + lo + 'Z');
      medianPath.setAttribute('points', polyline(xs, msg.median, X, Y));
    }

    // ------------------------------------------------------------ the loss figure
    var lossLine = svgEl('polyline', { class: 'vi-pg-loss-line' });
    var lossAxes = svgEl('g');
    lossSvg.appendChild(lossAxes);
    lossSvg.appendChild(lossLine);
    var losses = [];
    function drawLoss(epochs) {
      while (lossAxes.firstChild) lossAxes.removeChild(lossAxes.firstChild);
      var lo = Infinity, hi = -Infinity;
      losses.forEach(function (v) { lo = Math.min(lo, v); hi = Math.max(hi, v); });
      if (!losses.length) { lo = 0; hi = 1; }
      if (hi - lo < 1e-9) { hi = lo + 1; }
      var step = niceStep(hi - lo);
      lo = Math.floor(lo / step) * step;
      hi = Math.ceil(hi / step) * step;
      var LX = scaleX(LOSS, 0, epochs), LY = scaleY(LOSS, lo, hi);
      var yTicks = [];
      for (var t = lo; t <= hi + step / 2; t += step) yTicks.push(+t.toPrecision(6));
      var xStep = niceStep(epochs), xTicks = [];
      for (t = 0; t <= epochs; t += xStep) xTicks.push(t);
      var holder = svgEl('g');
      axes(holder, LOSS, xTicks, yTicks, LX, LY, T.epoch, T.loss);
      lossAxes.appendChild(holder);
      var xs = losses.map(function (v, i) { return i + 1; });
      lossLine.setAttribute('points', polyline(xs, losses, LX, LY));
    }

    // ------------------------------------------------------------------ state
    var current = null; // settings of the run on screen
    var lastReport = null; // the newest band, kept while a new run starts
    var runId = 0, restartTimer = null, state = 'idle';
    var worker = startWorker(onMessage);

    // Stop while training; Resume when a run was stopped before its end.
    function setState(next) {
      state = next;
      root.setAttribute('data-state', next);
      var resumable = next === 'idle' && lastReport !== null && !lastReport.done &&
        lastReport.run === runId;
      stopBtn.disabled = !(next === 'training' || resumable);
      stopBtn.textContent = resumable ? T.resume : T.stop;
    }

    function showInputs(s) {
      modelIn.value = s.model;
      dataIn.value = s.data;
      sigmaIn.value = String(s.sigma);
      sigmaOut.textContent = s.data === 'hetero' ? T.heteroSigma : fmt(s.sigma, 2);
      epochsIn.value = String(s.epochs);
      seedIn.value = String(s.seed);
      lrIn.value = String(s.lr);
      drawLegend(s.model);
    }

    function warn(list, typed) {
      if (!list.length) { warning.hidden = true; warning.textContent = ''; return; }
      warning.hidden = false;
      warning.textContent = list.map(function (p) {
        var key = typed ? (p.problem === 'clamped' ? 'typedClamped' : 'typed')
          : p.problem;
        var value = p.name === 'model' || p.name === 'data' ? T[settings[p.name]]
          : String(settings[p.name]);
        return fill(T[key], { name: T[p.name] || p.name, text: shown(p.text), value: value });
      }).join(' ');
    }

    function writeUrl() {
      if (!window.history || !history.replaceState) return;
      try {
        history.replaceState(null, '', location.pathname + location.search + '#' +
          core.formatSettings(settings));
      } catch (err) { /* some file:// pages refuse: the settings still apply */ }
    }

    // The first picture after a change, drawn at once: the new data, and the
    // nearest precomputed cell of the page's static explorer; without one (another
    // data set, or no explorer on the page), the last band on the same data set.
    function showData() {
      var data = core.dataFor(settings);
      drawData(data);
      showIntro(data);
      root.removeAttribute('data-preview');
      var near = core.nearestCell(pageGrid(), settings);
      if (near) {
        var g = pageGrid();
        drawBand({ x: grid, lower: core.interpolate(grid, g.x, near.cell.lower),
          median: core.interpolate(grid, g.x, near.cell.median),
          upper: core.interpolate(grid, g.x, near.cell.upper) });
        root.setAttribute('data-preview', near.key);
        root.classList.add('vi-pg-stale');
        status.textContent = fill(T.nearest, { sigma: String(near.sigma),
          epochs: thousands(near.epochs) });
      } else if (lastReport !== null && lastReport.data === data.name) {
        drawBand(lastReport);
        root.classList.add('vi-pg-stale');
        status.textContent = T.previous;
      } else {
        drawBand(null);
        root.classList.remove('vi-pg-stale');
      }
    }

    function start() {
      clearTimeout(restartTimer);
      runId += 1;
      current = Object.assign({}, settings);
      losses = [];
      drawLoss(current.epochs);
      root.setAttribute('data-epoch', '0');
      root.setAttribute('data-coverage', '');
      root.setAttribute('data-width', '');
      Object.keys(regionOut).forEach(function (name) {
        regionOut[name].textContent = '–';
        root.removeAttribute('data-coverage-' + name);
      });
      status.textContent = fill(T.training, { epoch: 0, epochs: current.epochs });
      setState('training');
      worker.postMessage({ type: 'start', run: runId, settings: current,
        // about 40 redraws a run: each costs a pass over the band's x and the
        // held-out points, and ends a slice of training
        reportEvery: Math.max(1, Math.min(25, Math.round(current.epochs / 40))) });
    }

    function onMessage(event) {
      var msg = event.data;
      if (msg.run !== runId) return; // a report of a run that was replaced
      if (msg.type === 'error') {
        status.textContent = fill(T.failed, { message: msg.message });
        setState('idle');
        return;
      }
      lastReport = msg;
      msg.data = current.data;
      root.classList.remove('vi-pg-stale');
      root.removeAttribute('data-preview');
      Array.prototype.push.apply(losses, msg.losses);
      drawBand(msg);
      drawLoss(msg.epochs);
      var calibrated = msg.regions ? msg.regions.inside.oracleWidth // mean over x
        : 2 * core.Z95 * current.sigma;
      root.setAttribute('data-epoch', String(msg.epoch));
      root.setAttribute('data-coverage', fmt(msg.coverage, 3));
      root.setAttribute('data-width', fmt(msg.width, 3));
      epochOut.textContent = msg.epoch + ' / ' + msg.epochs;
      coverageOut.textContent = fmt(msg.coverage, 3) + ' (' + T.target + ')';
      widthOut.textContent = fmt(msg.width, 2) + ' (' +
        fill(T.calibrated, { value: fmt(calibrated, 2) }) + ')';
      if (msg.regions) {
        Object.keys(regionOut).forEach(function (name) {
          var r = msg.regions[name];
          regionOut[name].textContent = fill(T.regionLine, { coverage: fmt(r.coverage, 3),
            width: fmt(r.width, 2), oracle: fmt(r.oracleWidth, 2) });
          root.setAttribute('data-coverage-' + name, fmt(r.coverage, 3));
        });
      }
      if (msg.done) {
        status.textContent = fill(T.done, { epochs: msg.epochs, seconds: fmt(msg.seconds, 1) });
        setState('done');
      } else if (!msg.running) {
        status.textContent = fill(T.stopped, { epoch: msg.epoch, epochs: msg.epochs });
        setState('idle');
      } else {
        status.textContent = fill(T.training, { epoch: msg.epoch, epochs: msg.epochs });
      }
    }

    // A control changed: check the value, show the new data at once (the last
    // band stays until the new run reports), and start the new run shortly.
    function onChange(event) {
      var name = event.target.name, list = [];
      if (name === 'model') {
        var model = modelIn.value;
        settings = Object.assign(core.defaults(model, settings.data), { sigma: settings.sigma,
          seed: settings.seed });
      } else if (name === 'data') {
        settings.data = core.DATASETS.indexOf(dataIn.value) >= 0 ? dataIn.value : 'cubic';
      } else {
        var r = core.parseNumber(name, event.target.value, settings[name]);
        settings[name] = r.value;
        if (r.problem) list.push({ name: name, problem: r.problem, text: event.target.value });
      }
      showInputs(settings);
      warn(list, true);
      writeUrl();
      showData();
      clearTimeout(restartTimer);
      restartTimer = setTimeout(start, RESTART_MS);
    }

    [modelIn, dataIn, sigmaIn, epochsIn, seedIn, lrIn].forEach(function (input) {
      input.addEventListener('change', onChange);
    });
    sigmaIn.addEventListener('input', function () { // the data follow the slider at once
      sigmaOut.textContent = fmt(+sigmaIn.value, 2);
      var s = core.parseNumber('sigma', sigmaIn.value, settings.sigma).value;
      drawData(core.dataFor(Object.assign({}, settings, { sigma: s })));
    });
    trainBtn.addEventListener('click', start);
    stopBtn.addEventListener('click', function () {
      if (state === 'training') worker.postMessage({ type: 'stop' });
      else if (lastReport && !lastReport.done) {
        worker.postMessage({ type: 'resume' });
        status.textContent = fill(T.training, { epoch: lastReport.epoch, epochs: lastReport.epochs });
        setState('training');
      }
    });

    showInputs(settings);
    warn(fromUrl.problems, false);
    showData();
    drawLoss(settings.epochs);
    setState('idle');
  }

  // The settings of the URL as one query string: those of the query, then those
  // of the hash, which win (a hash that is a heading's anchor names none).
  function urlSettings() {
    var query = new URLSearchParams(location.search.replace(/^\?/, ''));
    var hash = new URLSearchParams(location.hash.replace(/^#/, ''));
    ['model', 'sigma', 'epochs', 'seed', 'lr', 'data'].forEach(function (k) {
      if (hash.has(k)) query.set(k, hash.get(k));
    });
    return query.toString();
  }

  function mountAll() {
    var slots = document.querySelectorAll('[data-playground-slot]');
    for (var i = 0; i < slots.length; i++) mount(slots[i]);
  }

  window.VIPlayground = { LABELS: LABELS, mount: mount, mountAll: mountAll };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mountAll);
  else mountAll();
})();
