import { useCallback, useEffect, useRef, useState } from 'react';
import type { QueryProjection } from '../../core/experiment/queryProjection';
import type { QueryView } from '../../core/experiment/session';
import { formatScore } from './format';
import { useExplorer } from '../stores/explorerStore';

const HEIGHT = 460;
const COLOURS = {
  relevant: '#ea580c',
  irrelevant: '#94a3b8',
  path: '#6d28d9',
  teacherYes: '#16a34a',
  teacherNo: '#dc2626',
};

interface ViewTransform {
  scale: number;
  dx: number;
  dy: number;
}

/**
 * The UMAP map of the query's candidates (colour = gold relevance; rings = documents the teacher scored,
 * green when it called them relevant) and the query's path from its original to its refined position up
 * to the current step. Wheel zooms, drag pans, double-click resets; hover shows a document. Keyed by the
 * query in its parent, so zoom and pan start fresh for each query.
 */
export function ProjectionMap({
  projection,
  query,
  step,
}: {
  projection: QueryProjection;
  query: QueryView;
  step: number;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const threshold = useExplorer((s) => s.experiment?.teacherThreshold ?? 0.5);
  const wrapRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(640);
  const [transform, setTransform] = useState<ViewTransform>({ scale: 1, dx: 0, dy: 0 });
  const [hover, setHover] = useState<{ i: number; x: number; y: number } | null>(null);
  const drag = useRef<{ x: number; y: number; dx: number; dy: number } | null>(null);

  // Teacher scores come from the query view, which what-if edits update.
  const teacherScores = new Map<number, number | null>();
  for (const d of query.documents)
    if (d.sampledIndex !== null) teacherScores.set(d.sampledIndex, d.teacherScore);

  useEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(320, el.clientWidth)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  /** Data → screen: fit all points and the path in the canvas, then apply zoom and pan. */
  const toScreen = useCallback(() => {
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity;
    const grow = (xs: Float32Array) => {
      for (let i = 0; i < xs.length; i += 2) {
        minX = Math.min(minX, xs[i]);
        maxX = Math.max(maxX, xs[i]);
        minY = Math.min(minY, xs[i + 1]);
        maxY = Math.max(maxY, xs[i + 1]);
      }
    };
    grow(projection.coords);
    grow(projection.trajectory);
    const pad = 24;
    const s = Math.min(
      (width - 2 * pad) / Math.max(maxX - minX, 1e-9),
      (HEIGHT - 2 * pad) / Math.max(maxY - minY, 1e-9),
    );
    const ox = pad + (width - 2 * pad - s * (maxX - minX)) / 2;
    const oy = pad + (HEIGHT - 2 * pad - s * (maxY - minY)) / 2;
    return (x: number, y: number): [number, number] => [
      (ox + (x - minX) * s) * transform.scale + transform.dx,
      (oy + (maxY - y) * s) * transform.scale + transform.dy,
    ];
  }, [projection, width, transform]);

  useEffect(() => {
    const canvas = canvasRef.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = width * dpr;
    canvas.height = HEIGHT * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    const at = toScreen();
    const n = projection.candidates.length;
    // Non-relevant first, relevant on top, so that the few relevant ones stay visible.
    for (const relevantPass of [false, true]) {
      ctx.fillStyle = relevantPass ? COLOURS.relevant : COLOURS.irrelevant;
      ctx.globalAlpha = relevantPass ? 0.9 : 0.45;
      for (let i = 0; i < n; i++) {
        if (projection.labels[i] > 0 !== relevantPass) continue;
        const [x, y] = at(projection.coords[2 * i], projection.coords[2 * i + 1]);
        ctx.beginPath();
        ctx.arc(x, y, relevantPass ? 3.2 : 2.4, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
    for (let i = 0; i < n; i++) {
      const k = projection.sampledIndex[i];
      if (k < 0) continue;
      const score = teacherScores.get(k) ?? null;
      const [x, y] = at(projection.coords[2 * i], projection.coords[2 * i + 1]);
      ctx.strokeStyle = score !== null && score > threshold ? COLOURS.teacherYes : COLOURS.teacherNo;
      ctx.lineWidth = 1.6;
      ctx.beginPath();
      ctx.arc(x, y, 6, 0, 2 * Math.PI);
      ctx.stroke();
    }
    // The path up to the current step, then the start and the current position.
    const path = projection.trajectory;
    const last = Math.min(step, path.length / 2 - 1);
    ctx.strokeStyle = COLOURS.path;
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (let s = 0; s <= last; s++) {
      const [x, y] = at(path[2 * s], path[2 * s + 1]);
      if (s === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
    const [sx, sy] = at(path[0], path[1]);
    ctx.fillStyle = 'white';
    ctx.beginPath();
    ctx.arc(sx, sy, 6, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    const [cx, cy] = at(path[2 * last], path[2 * last + 1]);
    ctx.fillStyle = COLOURS.path;
    ctx.beginPath();
    ctx.moveTo(cx, cy - 8);
    ctx.lineTo(cx + 8, cy);
    ctx.lineTo(cx, cy + 8);
    ctx.lineTo(cx - 8, cy);
    ctx.closePath();
    ctx.fill();
    if (hover) {
      const [hx, hy] = at(projection.coords[2 * hover.i], projection.coords[2 * hover.i + 1]);
      ctx.strokeStyle = '#0f172a';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.arc(hx, hy, 8, 0, 2 * Math.PI);
      ctx.stroke();
    }
  });

  const nearest = (px: number, py: number): number | null => {
    const at = toScreen();
    let best = -1;
    let bestD = 10 * 10;
    for (let i = 0; i < projection.candidates.length; i++) {
      const [x, y] = at(projection.coords[2 * i], projection.coords[2 * i + 1]);
      const d = (x - px) ** 2 + (y - py) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best >= 0 ? best : null;
  };

  const local = (e: React.MouseEvent | React.WheelEvent) => {
    const rect = canvasRef.current!.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top] as const;
  };

  const h = hover?.i;
  const hoveredScore =
    h !== undefined && projection.sampledIndex[h] >= 0
      ? (teacherScores.get(projection.sampledIndex[h]) ?? null)
      : undefined;
  return (
    <section className="panel map-panel" aria-label="Projection map">
      <h3>
        Map of the candidates (UMAP) and the query’s path
        {projection.truncated && (
          <small data-testid="display-budget-note">
            {' '}
            showing {projection.candidates.length.toLocaleString()} of {projection.total.toLocaleString()}{' '}
            documents (every relevant and sampled one included); refinement uses all of them
          </small>
        )}
      </h3>
      <div
        ref={wrapRef}
        className="map-wrap"
        data-testid="projection-map"
        data-points={projection.candidates.length}
        data-step={step}
      >
        <canvas
          ref={canvasRef}
          style={{ width, height: HEIGHT }}
          onWheel={(e) => {
            const [px, py] = local(e);
            const factor = Math.exp(-e.deltaY * 0.0015);
            setTransform((t) => ({
              scale: t.scale * factor,
              dx: px - (px - t.dx) * factor,
              dy: py - (py - t.dy) * factor,
            }));
          }}
          onMouseDown={(e) => {
            drag.current = { x: e.clientX, y: e.clientY, dx: transform.dx, dy: transform.dy };
          }}
          onMouseUp={() => (drag.current = null)}
          onMouseLeave={() => {
            drag.current = null;
            setHover(null);
          }}
          onMouseMove={(e) => {
            const d = drag.current;
            if (d) {
              setTransform((t) => ({ ...t, dx: d.dx + e.clientX - d.x, dy: d.dy + e.clientY - d.y }));
              return;
            }
            const [px, py] = local(e);
            const i = nearest(px, py);
            setHover(i === null ? null : { i, x: px, y: py });
          }}
          onDoubleClick={() => setTransform({ scale: 1, dx: 0, dy: 0 })}
        />
        {h !== undefined && hover && (
          <div
            className="map-tooltip"
            style={{ left: Math.min(hover.x + 14, width - 300), top: hover.y + 14 }}
            data-testid="map-tooltip"
          >
            <div className="doc-id">
              {projection.docIds[h]} · {projection.labels[h] > 0 ? 'relevant' : 'not relevant'}
              {hoveredScore !== undefined && ` · teacher ${formatScore(hoveredScore)}`}
            </div>
            <div>
              rank {projection.rankBefore[h]} → {projection.rankAfter[h]}
            </div>
            <div className="doc-text">{projection.texts[h]}</div>
          </div>
        )}
      </div>
      <p className="legend">
        <span className="swatch relevant" /> relevant <span className="swatch irrelevant" /> not relevant{' '}
        <span className="ring yes" /> teacher: relevant <span className="ring no" /> teacher: not relevant{' '}
        <span className="start-mark" /> original query <span className="current-mark" /> query at the shown
        step. Wheel to zoom, drag to pan, double-click to reset.
      </p>
    </section>
  );
}
