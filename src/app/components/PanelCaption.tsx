import type { ReactNode } from 'react';
import { useExplorer } from '../stores/explorerStore';

/** Explain mode's one-line caption under a panel's title: what the panel shows (hidden when switched off). */
export function PanelCaption({ children }: { children: ReactNode }) {
  const explain = useExplorer((s) => s.view.explain);
  if (!explain) return null;
  return (
    <p className="caption" data-testid="panel-caption">
      {children}
    </p>
  );
}
