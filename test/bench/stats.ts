/** Small statistics for repeated runs. */

export interface Summary {
  n: number;
  min: number;
  median: number;
  max: number;
}

export function summarize(xs: number[]): Summary {
  if (xs.length === 0) return { n: 0, min: NaN, median: NaN, max: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { n: s.length, min: s[0], median, max: s[s.length - 1] };
}

/** Least squares y = a + b x, with R². */
export function linearFit(xs: number[], ys: number[]): { a: number; b: number; r2: number } {
  const n = xs.length;
  if (n < 2) return { a: ys[0] ?? NaN, b: NaN, r2: NaN };
  const mx = xs.reduce((p, x) => p + x, 0) / n;
  const my = ys.reduce((p, y) => p + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const b = sxy / sxx;
  const a = my - b * mx;
  return { a, b, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/** Log-log slope between the first and last points: 1 = linear, 2 = quadratic. */
export function growthExponent(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return NaN;
  return Math.log(ys[n - 1] / ys[0]) / Math.log(xs[n - 1] / xs[0]);
}

export const fmtMs = (ms: number) => (Number.isNaN(ms) ? "–" : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

export const fmtSummary = (s: Summary, f: (x: number) => string = fmtMs) =>
  s.n === 0 ? "–" : s.n === 1 ? f(s.median) : `${f(s.median)} (${f(s.min)}–${f(s.max)})`;

export const fmtRatio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(x >= 10 ? 0 : 1)}×` : "–");

/** Least squares y = a + b x + c x² (normal equations), with R². */
export function quadFit(xs: number[], ys: number[]): { a: number; b: number; c: number; r2: number } {
  const n = xs.length;
  if (n < 3) return { a: NaN, b: NaN, c: NaN, r2: NaN };
  const S = (k: number) => xs.reduce((p, x) => p + x ** k, 0);
  const T = (k: number) => xs.reduce((p, x, i) => p + x ** k * ys[i], 0);
  const M = [
    [n, S(1), S(2), T(0)],
    [S(1), S(2), S(3), T(1)],
    [S(2), S(3), S(4), T(2)],
  ];
  for (let i = 0; i < 3; i++) {
    let piv = i;
    for (let r = i + 1; r < 3; r++) if (Math.abs(M[r][i]) > Math.abs(M[piv][i])) piv = r;
    [M[i], M[piv]] = [M[piv], M[i]];
    for (let r = 0; r < 3; r++) {
      if (r === i) continue;
      const f = M[r][i] / M[i][i];
      for (let c = i; c < 4; c++) M[r][c] -= f * M[i][c];
    }
  }
  const a = M[0][3] / M[0][0];
  const b = M[1][3] / M[1][1];
  const c = M[2][3] / M[2][2];
  const my = ys.reduce((p, y) => p + y, 0) / n;
  const ssTot = ys.reduce((p, y) => p + (y - my) ** 2, 0);
  const ssRes = ys.reduce((p, y, i) => p + (y - (a + b * xs[i] + c * xs[i] ** 2)) ** 2, 0);
  return { a, b, c, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}
