/**
 * The explorer's colours, one set per theme. The single source for both the stylesheet (applied as CSS
 * variables, `--c-<name>`, by applyPalette) and the canvas and SVG charts, which need colour values: so
 * relevant / not relevant / sampled / teacher yes and no mean the same colour on every panel.
 */
export interface Palette {
  background: string;
  surface: string;
  surfaceMuted: string;
  border: string;
  borderSubtle: string;
  text: string;
  textMuted: string;
  accent: string;
  selected: string;
  hover: string;
  /** Gold relevance. */
  relevant: string;
  irrelevant: string;
  /** Documents the teacher scored. */
  sampled: string;
  /** The teacher's judgement of a sampled document (score above / at or below its threshold). */
  teacherYes: string;
  teacherNo: string;
  /** The query's path and the student's distribution. */
  path: string;
  /** The step shown (slider position) on every chart. */
  stepMarker: string;
  gain: string;
  loss: string;
  grid: string;
  tooltipBackground: string;
  tooltipText: string;
  histogram: string;
}

export type ThemeName = 'light' | 'dark';

export const PALETTES: Record<ThemeName, Palette> = {
  light: {
    background: '#f6f8fa',
    surface: '#ffffff',
    surfaceMuted: '#f6f8fa',
    border: '#d0d7de',
    borderSubtle: '#eaeef2',
    text: '#1f2328',
    textMuted: '#57606a',
    accent: '#0969da',
    selected: '#ede9fe',
    hover: '#f3f4f6',
    relevant: '#ea580c',
    irrelevant: '#94a3b8',
    sampled: '#0284c7',
    teacherYes: '#16a34a',
    teacherNo: '#dc2626',
    path: '#6d28d9',
    stepMarker: '#f59e0b',
    gain: '#1a7f37',
    loss: '#cf222e',
    grid: '#e5e7eb',
    tooltipBackground: 'rgba(15, 23, 42, 0.92)',
    tooltipText: '#ffffff',
    histogram: '#0f766e',
  },
  dark: {
    background: '#0d1117',
    surface: '#161b22',
    surfaceMuted: '#21262d',
    border: '#30363d',
    borderSubtle: '#21262d',
    text: '#e6edf3',
    textMuted: '#8d96a0',
    accent: '#4493f8',
    selected: '#2e2a4f',
    hover: '#21262d',
    relevant: '#fb923c',
    irrelevant: '#64748b',
    sampled: '#38bdf8',
    teacherYes: '#4ade80',
    teacherNo: '#f87171',
    path: '#a78bfa',
    stepMarker: '#fbbf24',
    gain: '#3fb950',
    loss: '#f85149',
    grid: '#30363d',
    tooltipBackground: 'rgba(226, 232, 240, 0.95)',
    tooltipText: '#0f172a',
    histogram: '#2dd4bf',
  },
};

/** `teacherYes` → `--c-teacher-yes`. */
export function cssVariable(name: keyof Palette): string {
  return `--c-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Sets the palette's CSS variables and the native controls' colour scheme on `root`. */
export function applyPalette(root: HTMLElement, theme: ThemeName): void {
  const palette = PALETTES[theme];
  for (const name of Object.keys(palette) as (keyof Palette)[])
    root.style.setProperty(cssVariable(name), palette[name]);
  root.style.colorScheme = theme;
  root.dataset.theme = theme;
}
