// The page's text: templates filled, numbers formatted, the URL's words shown
// back. Everything here returns a string for textContent, never HTML.

// 'epoch {epoch} of {epochs}' with {epoch: 3, epochs: 10}; unknown names stay.
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (m, key) => (key in values ? String(values[key]) : m));
}

// Numbers the same in both languages: a fixed count of decimals, no locale.
export function fmt(x, decimals) { return Number(x).toFixed(decimals); }

// 12345 -> '12,345'
export function thousands(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }

// A URL's text shown back to the reader: short, and only ever as textContent.
export function shown(text) {
  const s = String(text);
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
}

// What the reader is told about bad values ([{name, problem, text}], from
// settings.mjs), with the value used instead; typed: they came from an input,
// not from the link.
export function problemsText(T, problems, settings, typed) {
  return problems.map((p) => {
    const key = typed ? (p.problem === 'clamped' ? 'typedClamped' : 'typed') : p.problem;
    const value = p.name === 'model' || p.name === 'data' ? T[settings[p.name]]
      : String(settings[p.name]);
    return fill(T[key], { name: T[p.name] || p.name, text: shown(p.text), value });
  }).join(' ');
}

// The headline coverage: on chapter 7's data it is the inside region's, and says so.
export function coverageText(T, coverage, regions) {
  const where = regions ? `, ${T.regions.inside}` : '';
  return `${fmt(coverage, 3)} (${T.target}${where})`;
}

// A new model brings its own epochs and learning rate: say so when they changed.
export function modelNote(T, before, after) {
  if (before.epochs === after.epochs && before.lr === after.lr) return '';
  return fill(T.modelDefaults, { model: T[after.model], epochs: after.epochs,
    lr: String(after.lr) });
}
