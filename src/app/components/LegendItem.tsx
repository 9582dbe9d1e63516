import type { ReactNode } from 'react';

/**
 * One entry of a panel's legend, kept on one line: a mark (the class of a swatch, ring or marker, drawn by
 * app.css as on the panel) and its words.
 */
export function LegendItem({ mark, children }: { mark?: string; children: ReactNode }) {
  return (
    <span className="legend-item">
      {mark && <span className={mark} />}
      {mark && ' '}
      {children}
    </span>
  );
}
