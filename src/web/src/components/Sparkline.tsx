/**
 * A tiny trend line (SVG, no axes): the last minutes of one tag on a tile. Gaps (null) break the
 * line; the current value's position is marked.
 */
export function Sparkline({
  t,
  v,
  from,
  to,
  width = 160,
  height = 36,
  label,
}: {
  t: readonly number[];
  v: readonly (number | null)[];
  from: number;
  to: number;
  width?: number;
  height?: number;
  label: string;
}) {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of v) {
    if (x === null) continue;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (!Number.isFinite(lo)) {
    return (
      <svg className="spark" width={width} height={height} role="img" aria-label={`${label}: no data`}>
        <line x1="0" x2={width} y1={height / 2} y2={height / 2} className="spark-empty" />
      </svg>
    );
  }
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const pad = 3;
  const sx = (ts: number) => ((ts - from) / (to - from)) * width;
  const sy = (y: number) => pad + (1 - (y - lo) / (hi - lo)) * (height - 2 * pad);
  let d = '';
  let pen = false;
  let last: [number, number] | undefined;
  for (let i = 0; i < t.length; i++) {
    const y = v[i];
    if (y === null || y === undefined) {
      pen = false;
      continue;
    }
    const px = sx(t[i] as number);
    if (px < 0) continue;
    const py = sy(y);
    d += `${pen ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`;
    pen = true;
    last = [px, py];
  }
  return (
    <svg
      className="spark"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      <path d={d} className="spark-line" />
      {last && <circle cx={last[0]} cy={last[1]} r="2.2" className="spark-dot" />}
    </svg>
  );
}
