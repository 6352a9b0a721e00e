// The static explorer's script (vi_explorer/static_explorer.py inlines it in the page).
// It finds its root as its parent element, reads the grid from the JSON script
// next to it and redraws the SVG whenever a control changes.
(function () {
  var me = document.currentScript;
  var root = me ? me.parentElement : null;
  if (!root || !root.hasAttribute('data-vi-explorer')) {
    var all = document.querySelectorAll('[data-vi-explorer]:not([data-ready])');
    root = all[all.length - 1];
  }
  if (!root) return;
  root.setAttribute('data-ready', '1');
  var G = JSON.parse(root.querySelector('script[data-role=grid]').textContent);
  var T = G.text;
  var q = function (role) { return root.querySelector('[data-role=' + role + ']'); };
  var sigmaIn = q('sigma'), epochsIn = q('epochs'), modelIn = q('model');
  var svg = q('figure');
  var W = 640, H = 400, L = 44, R = 10, TOP = 26, B = 112;
  var ylo = G.y_limits[0], yhi = G.y_limits[1];
  function X(x) { return (L + (x + 3) / 6 * (W - L - R)).toFixed(1); }
  function Y(y) {
    y = Math.max(ylo, Math.min(yhi, y));
    return (TOP + (yhi - y) / (yhi - ylo) * (H - TOP - B)).toFixed(1);
  }
  function line(ys) {
    return G.x.map(function (x, i) { return X(x) + ',' + Y(ys[i]); }).join(' ');
  }
  function esc(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  }
  function width(s) {  // rough width at 11px: Hangul is about twice as wide
    var w = 0;
    for (var i = 0; i < s.length; i++) w += s.charCodeAt(i) > 0x1100 ? 11 : 6.2;
    return w;
  }
  function text(x, y, s, extra) {
    return '<text x="' + x + '" y="' + y + '" ' + (extra || '') + '>' + esc(s)
      + '</text>';
  }
  function draw() {
    var si = +sigmaIn.value, ei = +epochsIn.value, m = modelIn.value;
    var s = G.sigma_keys[si], e = G.epochs[ei];
    var key = m + '|' + s + '|' + e;
    var c = G.cells[key], d = G.data[s];
    q('sigma-value').textContent = s;
    q('epochs-value').textContent = G.epoch_text[ei];
    var out = [];
    out.push('<rect x="' + L + '" y="' + TOP + '" width="' + (W - L - R)
      + '" height="' + (H - TOP - B) + '" fill="#fff" stroke="#999"/>');
    for (var xt = -3; xt <= 3; xt++) {
      out.push('<line x1="' + X(xt) + '" x2="' + X(xt) + '" y1="' + Y(ylo)
        + '" y2="' + Y(yhi) + '" stroke="#eee"/>');
      out.push(text(X(xt), H - B + 14, xt, 'text-anchor="middle" font-size="11"'));
    }
    for (var yt = ylo; yt <= yhi; yt += 10) {
      out.push('<line x1="' + L + '" x2="' + (W - R) + '" y1="' + Y(yt) + '" y2="'
        + Y(yt) + '" stroke="#eee"/>');
      out.push(text(L - 4, +Y(yt) + 4, yt, 'text-anchor="end" font-size="11"'));
    }
    out.push(text((L + W - R) / 2, H - B + 30, T.x,
      'text-anchor="middle" font-size="12"'));
    out.push(text(12, (TOP + H - B) / 2, T.y,
      'text-anchor="middle" font-size="12" transform="rotate(-90 12 '
      + (TOP + H - B) / 2 + ')"'));
    var dots = d.x.map(function (x, i) { return 'M' + X(x) + ' ' + Y(d.y[i]) + 'h0'; });
    out.push('<path d="' + dots.join('') + '" stroke="#1f77b4" stroke-opacity="0.5"'
      + ' stroke-width="3" stroke-linecap="round" fill="none"/>');
    var upper = G.x.map(function (x, i) { return X(x) + ',' + Y(c.upper[i]); });
    var lower = G.x.map(function (x, i) { return X(x) + ',' + Y(c.lower[i]); });
    out.push('<polygon points="' + upper.concat(lower.reverse()).join(' ')
      + '" fill="#ff7f0e" fill-opacity="0.3"/>');
    out.push('<polyline points="' + line(G.f) + '" fill="none" stroke="#000"'
      + ' stroke-width="1.5"/>');
    out.push('<polyline points="' + line(c.median) + '" fill="none" stroke="#d62728"'
      + ' stroke-width="2"/>');
    out.push(text(W / 2, 17, c.title, 'text-anchor="middle" font-size="13"'));
    var legend = [['#1f77b4', T.data], ['#ff7f0e', T.band], ['#000', T.true_f],
                  ['#d62728', c.center]];
    var lx = L;
    legend.forEach(function (it) {
      out.push('<rect x="' + lx + '" y="' + (H - B + 38) + '" width="14" height="8"'
        + ' fill="' + it[0] + '" fill-opacity="0.6"/>');
      out.push(text(lx + 19, H - B + 46, it[1], 'font-size="11"'));
      lx += 30 + width(it[1]);
    });
    c.lines.forEach(function (s, i) {
      out.push(text(L, H - B + 64 + 15 * i, s, 'font-size="11"'));
    });
    svg.innerHTML = out.join('');
    svg.setAttribute('data-state', key);
    svg.setAttribute('aria-label', c.title);
  }
  [sigmaIn, epochsIn, modelIn].forEach(function (el) {
    el.addEventListener('input', draw);
    el.addEventListener('change', draw);
  });
  draw();
})();
