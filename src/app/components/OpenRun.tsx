import { useEffect, useRef, useState } from 'react';
import { filesFromInput } from '../data/readUserFiles';
import { runSourceOf } from '../runs/detectRun';
import { rerunUnavailable, runSettingsOf } from '../runs/rerunSettings';
import { useExplorer } from '../stores/explorerStore';
import { ProgressBar } from './TaskStatus';
import './OpenRun.css';

/**
 * Opening a finished run: "Open run…" (a CLI run folder, a run's zip, a reference run folder; dropping one
 * anywhere on the page does the same), the server's runs (`?run=<name>` reopens one), the opening's
 * progress with Cancel, and, once open, what it is, what its files lack, and "Re-run in the browser".
 */
export function OpenRun() {
  const openRun = useExplorer((s) => s.openRun);
  const serverRuns = useExplorer((s) => s.serverRuns);
  const listRuns = useExplorer((s) => s.listServerRuns);
  const update = useExplorer((s) => s.update);
  const viewRun = useExplorer((s) => s.view.run);
  const opening = useExplorer((s) => s.opening);
  const progress = useExplorer((s) => s.progress);
  const cancel = useExplorer((s) => s.cancel);
  const [error, setError] = useState<string>();
  const [menu, setMenu] = useState(false);
  const folderInput = useRef<HTMLInputElement>(null);
  const zipInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (menu && serverRuns === null) void listRuns();
  }, [menu, serverRuns, listRuns]);

  const openFiles = async (list: FileList | null) => {
    setError(undefined);
    if (!list || list.length === 0) return;
    try {
      const source = await runSourceOf(filesFromInput(list));
      if (!source)
        throw new Error(
          'this is not a run: pick a run folder (config.json and original_raw_scores.parquet, or the ' +
            "reference's embeddings_raw_scores.parquet) or the .zip of one",
        );
      setMenu(false);
      await openRun(source);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <section className="open-run-bar">
      <div className="open-run-actions">
        <button type="button" onClick={() => setMenu((m) => !m)} data-testid="open-run" aria-expanded={menu}>
          Open run…
        </button>
        {opening && (
          <span className="progress" data-testid="open-run-progress">
            Opening {opening}: <ProgressBar progress={progress} />
            <button type="button" className="link" onClick={cancel} data-testid="open-run-cancel">
              Cancel
            </button>
          </span>
        )}
        {error && (
          <span className="error" role="alert" data-testid="open-run-error">
            {error}
          </span>
        )}
      </div>
      {menu && (
        <div className="panel open-run-menu" data-testid="open-run-menu">
          <p>
            A finished run, read-only: a folder written by <code>npm run experiment</code> or by the reference
            code, or a run&apos;s .zip (<em>Download run</em>). Dropping one anywhere on the page opens it
            too.
          </p>
          <div className="open-run-pick">
            <button type="button" onClick={() => folderInput.current?.click()}>
              Run folder…
            </button>
            <button type="button" onClick={() => zipInput.current?.click()}>
              Run .zip…
            </button>
          </div>
          <h4>On the server (RUNS_DIR)</h4>
          {serverRuns === null ? (
            <p className="note">asking the server…</p>
          ) : serverRuns.length === 0 ? (
            <p className="note">no runs in the server&apos;s runs folder</p>
          ) : (
            <ul className="server-runs">
              {serverRuns.map((run) => (
                <li key={run.name}>
                  <button
                    type="button"
                    className="link"
                    data-testid="server-run"
                    data-run={run.name}
                    onClick={() => {
                      setMenu(false);
                      update({ run: run.name, query: undefined });
                    }}
                  >
                    {run.name}
                  </button>{' '}
                  <small>
                    {[
                      run.dataset,
                      run.embedding_model,
                      run.teacher,
                      run.queries && `${run.queries} queries`,
                      run.layout === 'reference' && 'reference layout',
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                    {run.name === viewRun ? ' (open)' : ''}
                  </small>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <input
        ref={folderInput}
        type="file"
        hidden
        data-testid="open-run-folder"
        {...{ webkitdirectory: '' }}
        onChange={(e) => void openFiles(e.target.files).finally(() => (e.target.value = ''))}
      />
      <input
        ref={zipInput}
        type="file"
        accept=".zip"
        hidden
        data-testid="open-run-zip"
        onChange={(e) => void openFiles(e.target.files).finally(() => (e.target.value = ''))}
      />
      <OpenedRunBanner />
    </section>
  );
}

/** What the open run is, what its files lack, and re-running it here. */
function OpenedRunBanner() {
  const opened = useExplorer((s) => s.openedRun);
  const serverDatasets = useExplorer((s) => s.serverDatasets);
  const rerun = useExplorer((s) => s.rerunInBrowser);
  if (!opened) return null;
  const settings = runSettingsOf(opened.config);
  const unavailable = rerunUnavailable(settings, serverDatasets);
  return (
    <div
      className="panel opened-run"
      data-testid="opened-run"
      data-layout={opened.layout}
      data-open-ms={opened.openMs}
    >
      <div className="opened-run-head">
        <strong>Opened run: {opened.name}</strong>{' '}
        <small>
          ({opened.layout === 'reference' ? "reference code's layout" : "this project's layout"}; read-only,
          its settings above;{' '}
          <span data-testid="opened-run-time">opened in {(opened.openMs / 1000).toFixed(1)} s</span>)
        </small>
        <button
          type="button"
          onClick={rerun}
          disabled={unavailable !== null}
          title={unavailable ?? 'run these settings here, then compare both runs in the Experiment summary'}
          data-testid="rerun-in-browser"
        >
          Re-run in the browser
        </button>
        {unavailable && <small className="note"> cannot re-run here: {unavailable}</small>}
      </div>
      {opened.notes.map((note) => (
        <p key={note} className="note" data-testid="opened-run-note">
          {note}
        </p>
      ))}
    </div>
  );
}
