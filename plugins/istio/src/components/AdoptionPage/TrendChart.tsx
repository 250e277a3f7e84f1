import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { useId } from 'react';
import { AdoptionHistoryPoint } from '../../api/types';

const WIDTH = 640;
const HEIGHT = 240;
const PAD = { top: 12, right: 16, bottom: 28, left: 40 };

/** Chart coordinates of the points: time on x, percent (0-100) on y. */
export function chartPath(
  points: AdoptionHistoryPoint[],
  value: (p: AdoptionHistoryPoint) => number,
): Array<[number, number]> {
  if (!points.length) return [];
  const times = points.map(p => Date.parse(p.time));
  const min = Math.min(...times);
  const span = Math.max(...times) - min || 1;
  const w = WIDTH - PAD.left - PAD.right;
  const h = HEIGHT - PAD.top - PAD.bottom;
  return points.map((p, i) => {
    const x =
      points.length === 1
        ? PAD.left + w / 2
        : PAD.left + ((times[i] - min) / span) * w;
    const v = Math.min(100, Math.max(0, value(p)));
    const y = PAD.top + h - (v / 100) * h;
    return [Math.round(x * 10) / 10, Math.round(y * 10) / 10];
  });
}

const day = (iso: string) => iso.slice(0, 10);

/**
 * Adoption over time in plain SVG: share in the mesh (solid line, circles)
 * and share at STRICT (dashed line, squares), so the series differ by more
 * than colour.
 */
export function TrendChart(props: { history: AdoptionHistoryPoint[] }) {
  const theme = useTheme();
  const id = useId();
  const { history } = props;
  if (history.length === 0) {
    return (
      <Typography variant="body2">
        No history recorded yet: the backend records adoption periodically, the
        trend appears after the first periods.
      </Typography>
    );
  }
  const enrolled = chartPath(history, p => p.enrolled);
  const strict = chartPath(history, p => p.strict);
  const line = (pts: Array<[number, number]>) =>
    pts.map(([x, y], i) => `${i ? 'L' : 'M'}${x} ${y}`).join(' ');
  const first = history[0];
  const last = history[history.length - 1];
  const h = HEIGHT - PAD.top - PAD.bottom;
  const axis = theme.palette.text.secondary;
  const grid = theme.palette.divider;
  const meshColour = theme.palette.primary.main;
  const strictColour = theme.palette.secondary.main;
  return (
    <Box>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        style={{ maxHeight: 320 }}
      >
        <title id={`${id}-title`}>Mesh adoption over time</title>
        <desc id={`${id}-desc`}>
          {`From ${day(first.time)} to ${day(last.time)}: in the mesh ${
            first.enrolled
          }% to ${last.enrolled}%, at STRICT ${first.strict}% to ${
            last.strict
          }%.`}
        </desc>
        {[0, 25, 50, 75, 100].map(v => {
          const y = PAD.top + h - (v / 100) * h;
          return (
            <g key={v}>
              <line
                x1={PAD.left}
                x2={WIDTH - PAD.right}
                y1={y}
                y2={y}
                stroke={grid}
              />
              <text
                x={PAD.left - 6}
                y={y + 4}
                textAnchor="end"
                fontSize={11}
                fill={axis}
              >
                {v}%
              </text>
            </g>
          );
        })}
        <text x={PAD.left} y={HEIGHT - 8} fontSize={11} fill={axis}>
          {day(first.time)}
        </text>
        <text
          x={WIDTH - PAD.right}
          y={HEIGHT - 8}
          fontSize={11}
          fill={axis}
          textAnchor="end"
        >
          {day(last.time)}
        </text>
        <path
          d={line(enrolled)}
          fill="none"
          stroke={meshColour}
          strokeWidth={2}
        />
        <path
          d={line(strict)}
          fill="none"
          stroke={strictColour}
          strokeWidth={2}
          strokeDasharray="6 4"
        />
        {enrolled.map(([x, y], i) => (
          <circle key={`e${i}`} cx={x} cy={y} r={3} fill={meshColour} />
        ))}
        {strict.map(([x, y], i) => (
          <rect
            key={`s${i}`}
            x={x - 3}
            y={y - 3}
            width={6}
            height={6}
            fill={strictColour}
          />
        ))}
      </svg>
      <Box display="flex" flexWrap="wrap" aria-hidden>
        <Typography variant="caption" style={{ marginRight: 24 }}>
          <svg width={28} height={10}>
            <line
              x1={0}
              x2={28}
              y1={5}
              y2={5}
              stroke={meshColour}
              strokeWidth={2}
            />
            <circle cx={14} cy={5} r={3} fill={meshColour} />
          </svg>{' '}
          In the mesh (solid)
        </Typography>
        <Typography variant="caption">
          <svg width={28} height={10}>
            <line
              x1={0}
              x2={28}
              y1={5}
              y2={5}
              stroke={strictColour}
              strokeWidth={2}
              strokeDasharray="6 4"
            />
            <rect x={11} y={2} width={6} height={6} fill={strictColour} />
          </svg>{' '}
          At STRICT (dashed)
        </Typography>
      </Box>
    </Box>
  );
}
