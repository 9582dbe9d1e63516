import { useLayoutEffect, useSyncExternalStore } from 'react';
import { useExplorer } from '../stores/explorerStore';
import { applyPalette, PALETTES, type Palette, type ThemeName } from './palette';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function subscribeToSystemTheme(onChange: () => void): () => void {
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

/** The theme in use: the URL's choice, or for `auto` the system's prefers-color-scheme (followed live). */
export function useThemeName(): ThemeName {
  const preference = useExplorer((s) => s.view.theme);
  const systemDark = useSyncExternalStore(
    subscribeToSystemTheme,
    () => window.matchMedia(DARK_QUERY).matches,
  );
  return preference === 'auto' ? (systemDark ? 'dark' : 'light') : preference;
}

/** The colours of the theme in use, for canvas and SVG drawing. */
export function usePalette(): Palette {
  return PALETTES[useThemeName()];
}

/** Applies the theme in use to the document (CSS variables), before the browser paints. */
export function useAppliedTheme(): void {
  const theme = useThemeName();
  useLayoutEffect(() => applyPalette(document.documentElement, theme), [theme]);
}
