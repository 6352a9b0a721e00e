// Small helpers over Float64Arrays, as NumPy and torch compute them.

// numpy.linspace(start, stop, n): i·step + start, and exactly stop at the end.
export function linspace(start, stop, n) {
  const out = new Float64Array(n);
  const step = (stop - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = i * step + start;
  out[n - 1] = stop;
  return out;
}

// a[idx]: the entries at the given indices.
export function pick(a, idx) {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = a[idx[i]];
  return out;
}

export function mean(a) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

// Unbiased variance, as torch.Tensor.var() and .std() compute it.
export function variance(a) {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) * (a[i] - m);
  return s / (a.length - 1);
}
