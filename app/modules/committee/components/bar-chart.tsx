import { Link } from "@remix-run/react";
import { scaleBand, scaleLinear } from "d3-scale";
import { useId, type ReactNode } from "react";

export interface Bar {
  key: string;
  label: string;
  value: number;
  href: string;
}

// A horizontal bar chart drawn as SVG on the server (d3-scale computes the geometry while React
// renders; nothing runs in the browser, no inline style for the CSP to refuse). The SVG is hidden
// from screen readers: the table after it carries the same numbers, each a link to its list.
export function BarChart({
  title,
  bars,
  labelHeader,
  valueHeader,
  children,
}: {
  title: string;
  bars: Bar[];
  labelHeader: string;
  valueHeader: string;
  children?: ReactNode;
}) {
  const id = useId();
  const width = 560;
  const labelWidth = 180;
  const barHeight = 22;
  const height = Math.max(1, bars.length) * barHeight + 8;
  const x = scaleLinear()
    .domain([0, Math.max(1, ...bars.map((b) => b.value))])
    .range([0, width - labelWidth - 48])
    .nice();
  const y = scaleBand()
    .domain(bars.map((b) => b.key))
    .range([4, height - 4])
    .padding(0.2);
  return (
    <figure className="space-y-2" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="font-semibold">
        {title}
      </figcaption>
      {bars.length ? (
        <svg viewBox={`0 0 ${width} ${height}`} className="w-full max-w-2xl" aria-hidden="true" focusable="false" data-testid="bar-chart">
          {bars.map((bar) => (
            <g key={bar.key}>
              <text
                x={labelWidth - 6}
                y={(y(bar.key) ?? 0) + y.bandwidth() / 2}
                textAnchor="end"
                dominantBaseline="middle"
                className="fill-gray-700 text-[11px]"
              >
                {bar.label.length > 18 ? `${bar.label.slice(0, 17)}…` : bar.label}
              </text>
              <rect x={labelWidth} y={y(bar.key)} width={Math.max(bar.value > 0 ? 1 : 0, x(bar.value))} height={y.bandwidth()} className="fill-blue-700" />
              <text x={labelWidth + x(bar.value) + 4} y={(y(bar.key) ?? 0) + y.bandwidth() / 2} dominantBaseline="middle" className="fill-gray-900 text-[11px]">
                {bar.value}
              </text>
            </g>
          ))}
        </svg>
      ) : null}
      {children ?? <BarTable title={title} bars={bars} labelHeader={labelHeader} valueHeader={valueHeader} />}
    </figure>
  );
}

/** The chart's numbers as a table, each a link to the list it counts. */
export function BarTable({ title, bars, labelHeader, valueHeader }: { title: string; bars: Bar[]; labelHeader: string; valueHeader: string }) {
  return (
    <table className="min-w-[16rem] text-sm">
      <caption className="sr-only">{title}</caption>
      <thead>
        <tr className="text-left text-gray-600">
          <th scope="col" className="px-2 py-1">
            {labelHeader}
          </th>
          <th scope="col" className="px-2 py-1 text-right">
            {valueHeader}
          </th>
        </tr>
      </thead>
      <tbody>
        {bars.map((bar) => (
          <tr key={bar.key}>
            <th scope="row" className="px-2 py-1 text-left font-normal">
              {bar.label}
            </th>
            <td className="px-2 py-1 text-right tabular-nums">
              <Link to={bar.href} className="text-blue-700 underline">
                {bar.value}
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
