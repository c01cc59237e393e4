import type { EvaluationResult } from './rul.js';

/**
 * A self-contained SVG of an evaluation: per test unit (sorted by true RUL), the true RUL as a line
 * and the prediction as dots coloured by error (late predictions, the costly ones, in red), with
 * RMSE and PHM08 score in the title. Hand-written SVG: no plotting dependency for one chart.
 */
export function evaluationSvg(r: EvaluationResult): string {
  const W = 900;
  const H = 420;
  const m = { l: 56, r: 20, t: 48, b: 48 };
  const order = r.truth.map((_, i) => i).sort((a, b) => r.truth[a]! - r.truth[b]! || a - b);
  const yMax = Math.max(...r.truth, ...r.predicted, 1);
  const yTop = Math.ceil(yMax / 25) * 25;
  const x = (i: number): number => m.l + ((i + 0.5) * (W - m.l - m.r)) / order.length;
  const y = (v: number): number => H - m.b - (v / yTop) * (H - m.t - m.b);
  const f = (v: number): string => v.toFixed(1);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="15">${esc(r.subset)}: predicted vs true RUL at the last cycle of ${r.n} test units</text>`,
    `<text x="${W / 2}" y="38" text-anchor="middle">RMSE ${r.rmse.toFixed(2)} · PHM08 score ${r.score.toFixed(1)} · RUL cap 125</text>`,
  );
  for (let v = 0; v <= yTop; v += 25) {
    out.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#ddd"/>`,
      `<text x="${m.l - 6}" y="${f(y(v) + 4)}" text-anchor="end">${v}</text>`,
    );
  }
  out.push(
    `<text transform="translate(16 ${H / 2}) rotate(-90)" text-anchor="middle">RUL (cycles)</text>`,
    `<text x="${W / 2}" y="${H - 12}" text-anchor="middle">test units, sorted by true RUL</text>`,
  );
  const truthPath = order.map((u, i) => `${i === 0 ? 'M' : 'L'}${f(x(i))},${f(y(r.truth[u]!))}`).join(' ');
  out.push(`<path d="${truthPath}" fill="none" stroke="#222" stroke-width="2"/>`);
  order.forEach((u, i) => {
    const d = r.predicted[u]! - r.truth[u]!;
    const colour = d > 0 ? '#d62728' : '#1f77b4';
    out.push(
      `<line x1="${f(x(i))}" x2="${f(x(i))}" y1="${f(y(r.truth[u]!))}" y2="${f(y(r.predicted[u]!))}" stroke="${colour}" stroke-opacity="0.4"/>`,
      `<circle cx="${f(x(i))}" cy="${f(y(r.predicted[u]!))}" r="3" fill="${colour}"><title>unit ${r.units[u]}: true ${r.truth[u]}, predicted ${r.predicted[u]!.toFixed(1)}</title></circle>`,
    );
  });
  out.push(
    `<g transform="translate(${m.l + 10} ${m.t + 6})"><line x1="0" x2="20" y1="0" y2="0" stroke="#222" stroke-width="2"/><text x="26" y="4">true RUL</text>`,
    `<circle cx="110" cy="0" r="3" fill="#1f77b4"/><text x="118" y="4">predicted, early</text>`,
    `<circle cx="240" cy="0" r="3" fill="#d62728"/><text x="248" y="4">predicted, late</text></g>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}

function esc(s: string): string {
  return s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
