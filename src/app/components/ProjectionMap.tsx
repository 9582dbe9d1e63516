import { useCallback, useEffect, useRef, useState } from 'react';
import type { QueryProjection } from '../../core/experiment/queryProjection';
import type { QueryView } from '../../core/experiment/session';
import { formatScore } from './format';
import { useExplorer } from '../stores/explorerStore';
import { useTeaching } from '../stores/teachingStore';
import { usePalette } from '../theme/theme';
import { PanelCaption } from './PanelCaption';
import { fitAll, fitPath } from './mapFit';
import { LegendItem } from './LegendItem';

const HEIGHT = 460;
/** How close (px) the pointer must be to a path point to show its step and loss. */
const PATH_HOVER_PX = 7;

interface ViewTransform {
  scale: number;
  dx: number;
  dy: number;
}

/**
 * The UMAP map of the query's candidates (colour = gold relevance; rings = documents the teacher scored,
 * green when it called them relevant) and the query's path from its original to its refined position up
 * to the current step, its start and end labelled. Wheel zooms, drag pans, double-click resets; hover shows a
 * document, or on the path its step and loss. "Follow the query" fits the view to the path and the sampled
 * documents, so that short paths are visible. Keyed by the query in its parent, so zoom and pan start
 * fresh for each query.
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
  const [pathHover, setPathHover] = useState<{ s: number; last: number; x: number; y: number } | null>(null);
  const palette = usePalette();
  const follow = useExplorer((s) => s.view.follow);
  const update = useExplorer((s) => s.update);
  const teaching = useTeaching((s) => s.teacherStudent);
  /** The KL at recorded step s: recomputed at every snapshot when known, else the optimizer's loss log. */
  const lossAt = (s: number): number | undefined =>
    teaching?.index === query.index
      ? teaching.perStep[s]?.kl
      : query.lossPerStep[Math.min(query.steps[s], query.lossPerStep.length - 1)];
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
    let fit;
    if (follow) {
      // The path and the sampled documents: what the refinement is about.
      const sampled: number[] = [];
      projection.sampledIndex.forEach((k, i) => {
        if (k >= 0) sampled.push(projection.coords[2 * i], projection.coords[2 * i + 1]);
      });
      fit = fitPath(projection.trajectory, sampled, width, HEIGHT, 40);
    } else fit = fitAll([projection.coords, projection.trajectory], width, HEIGHT, 24);
    const { cx, cy, scale } = fit;
    return (x: number, y: number): [number, number] => [
      (width / 2 + (x - cx) * scale) * transform.scale + transform.dx,
      (HEIGHT / 2 - (y - cy) * scale) * transform.scale + transform.dy,
    ];
  }, [projection, width, transform, follow]);

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
      ctx.fillStyle = relevantPass ? palette.relevant : palette.irrelevant;
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
      ctx.strokeStyle = score !== null && score > threshold ? palette.teacherYes : palette.teacherNo;
      ctx.lineWidth = 1.6;
      ctx.beginPath();
      ctx.arc(x, y, 6, 0, 2 * Math.PI);
      ctx.stroke();
    }
    // The path up to the current step, then the start and the current position.
    const path = projection.trajectory;
    const last = Math.min(step, path.length / 2 - 1);
    ctx.strokeStyle = palette.path;
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (let s = 0; s <= last; s++) {
      const [x, y] = at(path[2 * s], path[2 * s + 1]);
      if (s === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.stroke();
    const [sx, sy] = at(path[0], path[1]);
    const end = path.length / 2 - 1;
    const [ex, ey] = at(path[2 * end], path[2 * end + 1]);
    // The end of the whole path, faint until the shown step reaches it.
    ctx.save();
    ctx.globalAlpha = last === end ? 1 : 0.45;
    ctx.beginPath();
    ctx.arc(ex, ey, 6, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.restore();
    ctx.fillStyle = palette.surface;
    ctx.beginPath();
    ctx.arc(sx, sy, 6, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    const [cx, cy] = at(path[2 * last], path[2 * last + 1]);
    ctx.fillStyle = palette.path;
    ctx.beginPath();
    ctx.moveTo(cx, cy - 8);
    ctx.lineTo(cx + 8, cy);
    ctx.lineTo(cx, cy + 8);
    ctx.lineTo(cx - 8, cy);
    ctx.closePath();
    ctx.fill();
    ctx.font = '600 12px system-ui, sans-serif';
    ctx.lineWidth = 3;
    ctx.strokeStyle = palette.surface;
    ctx.fillStyle = palette.text;
    // Labels on the side away from the other end, haloed so that they read over the points; a label that
    // would leave the canvas on that side goes on the other (a vertical path near an edge, a zoomed view).
    const label = (text: string, x: number, y: number, awayX: number) => {
      const textWidth = ctx.measureText(text).width;
      let left = x < awayX;
      if (left && x - 10 - textWidth < 2) left = false;
      else if (!left && x + 10 + textWidth > width - 2 && x - 10 - textWidth >= 2) left = true;
      ctx.textAlign = left ? 'right' : 'left';
      const lx = left ? x - 10 : x + 10;
      const ly = Math.min(Math.max(y - 8, 14), HEIGHT - 4);
      ctx.strokeText(text, lx, ly);
      ctx.fillText(text, lx, ly);
    };
    // A path shorter than its labels (common unzoomed) gets one label, so that the two do not collide;
    // it goes on the side with more room.
    if (Math.hypot(ex - sx, ey - sy) < 48) {
      const right = Math.max(sx, ex) < width / 2;
      label(
        `start → end (step ${query.steps[end]})`,
        right ? Math.max(sx, ex) : Math.min(sx, ex),
        Math.min(sy, ey),
        right ? -Infinity : Infinity,
      );
    } else {
      label('start', sx, sy, ex);
      label(`end (step ${query.steps[end]})`, ex, ey, sx);
    }
    if (pathHover) {
      const [px, py] = at(path[2 * pathHover.s], path[2 * pathHover.s + 1]);
      ctx.strokeStyle = palette.text;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.arc(px, py, 5, 0, 2 * Math.PI);
      ctx.stroke();
    }
    if (hover) {
      const [hx, hy] = at(projection.coords[2 * hover.i], projection.coords[2 * hover.i + 1]);
      ctx.strokeStyle = palette.text;
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

  /**
   * The recorded steps whose path point is under the pointer, if any: the nearest point, and the run of
   * consecutive steps drawn on the same spot (the query often moves less than a pixel per step).
   */
  const nearestSteps = (px: number, py: number): { s: number; last: number } | null => {
    const at = toScreen();
    const path = projection.trajectory;
    const points = Array.from({ length: path.length / 2 }, (_, s) => at(path[2 * s], path[2 * s + 1]));
    let best = -1;
    let bestD = PATH_HOVER_PX ** 2;
    points.forEach(([x, y], s) => {
      const d = (x - px) ** 2 + (y - py) ** 2;
      if (d < bestD) {
        bestD = d;
        best = s;
      }
    });
    if (best < 0) return null;
    const samePlace = (s: number) =>
      Math.hypot(points[s][0] - points[best][0], points[s][1] - points[best][1]) < 1;
    let first = best;
    let last = best;
    while (first > 0 && samePlace(first - 1)) first--;
    while (last < points.length - 1 && samePlace(last + 1)) last++;
    return { s: first, last };
  };

  const local = (e: React.MouseEvent | React.WheelEvent) => {
    const rect = canvasRef.current!.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top] as const;
  };

  const h = hover?.i;
  // Where the path starts and ends on screen (CSS px in the canvas), for automation (hover checks).
  const screenAt = (s: number) =>
    toScreen()(projection.trajectory[2 * s], projection.trajectory[2 * s + 1])
      .map((v) => v.toFixed(1))
      .join(',');
  const hoveredScore =
    h !== undefined && projection.sampledIndex[h] >= 0
      ? (teacherScores.get(projection.sampledIndex[h]) ?? null)
      : undefined;
  return (
    <section className="panel map-panel" aria-label="Projection map">
      <h3>
        {projection.kind === 'path'
          ? 'The query’s path (PCA) and its documents'
          : projection.kind === 'similarity'
            ? 'Documents by similarity to the query before (x) and after (y)'
            : 'Map of the candidates (UMAP) and the query’s path'}
        <span className="map-toolbar">
          <button
            type="button"
            aria-pressed={follow}
            onClick={() => {
              setTransform({ scale: 1, dx: 0, dy: 0 });
              update({ follow: !follow });
            }}
            data-testid="follow-query"
            title="Zoom to the query's path and the documents the teacher scored"
          >
            {follow ? 'Show all documents' : 'Follow the query'}
          </button>
        </span>
        {projection.truncated && (
          <small data-testid="display-budget-note">
            {' '}
            showing {projection.candidates.length.toLocaleString()} of {projection.total.toLocaleString()}{' '}
            documents (every relevant and sampled one included); refinement uses all of them
          </small>
        )}
      </h3>
      <PanelCaption>
        Documents placed by similarity (nearby = similar); the line is the query moving from its original
        embedding towards the documents the teacher called relevant.
      </PanelCaption>
      <div
        ref={wrapRef}
        className="map-wrap"
        data-testid="projection-map"
        data-points={projection.candidates.length}
        data-step={step}
        data-follow={follow}
        data-path-start={screenAt(0)}
        data-path-end={screenAt(projection.trajectory.length / 2 - 1)}
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
            setPathHover(null);
          }}
          onMouseMove={(e) => {
            const d = drag.current;
            if (d) {
              setTransform((t) => ({ ...t, dx: d.dx + e.clientX - d.x, dy: d.dy + e.clientY - d.y }));
              return;
            }
            const [px, py] = local(e);
            const steps = nearestSteps(px, py);
            setPathHover(steps && { ...steps, x: px, y: py });
            const i = steps === null ? nearest(px, py) : null;
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
        {pathHover && (
          <div
            className="map-tooltip"
            style={{ left: Math.min(pathHover.x + 14, width - 300), top: pathHover.y + 14 }}
            data-testid="path-tooltip"
            data-step={query.steps[pathHover.s]}
          >
            {pathHover.last === pathHover.s
              ? `query at step ${query.steps[pathHover.s]}`
              : `query at steps ${query.steps[pathHover.s]}–${query.steps[pathHover.last]}`}
            {lossAt(pathHover.s) !== undefined &&
              ` · loss ${lossAt(pathHover.s)!.toPrecision(4)}` +
                (pathHover.last !== pathHover.s && lossAt(pathHover.last) !== undefined
                  ? ` → ${lossAt(pathHover.last)!.toPrecision(4)}`
                  : '')}
          </div>
        )}
      </div>
      <p className="legend">
        <LegendItem mark="swatch relevant">relevant</LegendItem>{' '}
        <LegendItem mark="swatch irrelevant">not relevant</LegendItem>{' '}
        <LegendItem mark="ring yes">teacher: relevant</LegendItem>{' '}
        <LegendItem mark="ring no">teacher: not relevant</LegendItem>{' '}
        <LegendItem mark="start-mark">original query</LegendItem>{' '}
        <LegendItem mark="current-mark">query at this step</LegendItem>{' '}
        <LegendItem>· wheel zooms, drag pans, double-click resets</LegendItem>
      </p>
    </section>
  );
}
