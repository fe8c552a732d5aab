/** A tiny SVG line of recent values (per-interface byte rates). */
export function Sparkline({
  values,
  label,
  width = 80,
  height = 18,
}: {
  values: number[];
  label: string;
  width?: number;
  height?: number;
}) {
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const pts = values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - 1 - (v / max) * (height - 2)).toFixed(1)}`)
    .join(' ');
  return (
    <svg
      className="np-spark"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      <line
        x1="0"
        y1={height - 0.5}
        x2={width}
        y2={height - 0.5}
        stroke="currentColor"
        strokeOpacity="0.25"
        strokeWidth="1"
      />
      {values.length > 1 && <polyline points={pts} fill="none" stroke="currentColor" strokeWidth="1.3" />}
    </svg>
  );
}

/** Bytes per second in short words (B/s, kB/s, MB/s). */
export function formatRate(bps: number): string {
  if (bps < 1000) return `${Math.round(bps)} B/s`;
  if (bps < 1e6) return `${(bps / 1000).toFixed(1)} kB/s`;
  return `${(bps / 1e6).toFixed(1)} MB/s`;
}
