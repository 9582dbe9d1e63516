import { useExplorer } from '../stores/explorerStore';
import { useThemeName } from '../theme/theme';

/** Presentation switches kept in the URL: light/dark theme and explain mode (captions on every panel). */
export function ViewToggles() {
  const explain = useExplorer((s) => s.view.explain);
  const update = useExplorer((s) => s.update);
  const theme = useThemeName();
  return (
    <div className="view-toggles">
      <label className="check" title="One-line captions on each panel saying what it shows">
        <input
          type="checkbox"
          checked={explain}
          onChange={(e) => update({ explain: e.target.checked })}
          data-testid="explain-toggle"
        />
        Explain
      </label>
      <button
        type="button"
        className="theme-toggle"
        onClick={() => update({ theme: theme === 'dark' ? 'light' : 'dark' })}
        data-testid="theme-toggle"
        data-theme={theme}
        aria-label={`Switch to the ${theme === 'dark' ? 'light' : 'dark'} theme`}
      >
        {theme === 'dark' ? '☀ Light' : '☾ Dark'}
      </button>
    </div>
  );
}
