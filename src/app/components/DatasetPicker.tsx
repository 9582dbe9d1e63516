import { useEffect, useRef, useState } from 'react';
import { DATASET_PARSERS } from '../../core/datasets/registry';
import { DOWNLOADABLE_DATASETS } from '../data/datasetSource';
import { filesFromInput, localDatasetFromFiles } from '../data/readUserFiles';
import { runSourceOf } from '../runs/detectRun';
import { LOCAL_PREFIX, useExplorer } from '../stores/explorerStore';

const BUILT_IN = DATASET_PARSERS.filter((p) => p.requiredFiles.length === 0).map((p) => p.name);

/**
 * The dataset choice: built-in, the server's data folder, or the user's own files (a folder, a zip or a
 * CSV, picked here or dropped anywhere on the page: PageDrop).
 */
export function DatasetPicker() {
  const view = useExplorer((s) => s.view);
  const update = useExplorer((s) => s.update);
  const server = useExplorer((s) => s.serverDatasets);
  const local = useExplorer((s) => s.localDataset);
  const openLocal = useExplorer((s) => s.openLocalDataset);
  const discover = useExplorer((s) => s.discoverServerData);
  const openRun = useExplorer((s) => s.openRun);
  const [error, setError] = useState<string>();
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void discover();
  }, [discover]);

  const open = async (
    read: () => Promise<{ path: string; file: File }[]> | { path: string; file: File }[],
  ) => {
    setError(undefined);
    try {
      const files = await read();
      // A finished run (a CLI or reference run folder, or its zip) opens as a run, anything else as a dataset.
      const run = await runSourceOf(files);
      if (run) return void (await openRun(run));
      openLocal(await localDatasetFromFiles(files));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const localName = local ? `${LOCAL_PREFIX}${local.label}` : undefined;
  const downloadable = DOWNLOADABLE_DATASETS.filter((name) => !server?.includes(name));
  const known = [...BUILT_IN, ...(server ?? []), ...downloadable, ...(localName ? [localName] : [])];
  return (
    <div className="dataset-picker">
      <label>
        Dataset
        <select
          value={view.dataset}
          onChange={(e) => update({ dataset: e.target.value, query: undefined })}
          data-testid="dataset-select"
        >
          {!known.includes(view.dataset) && (
            <option value={view.dataset}>{view.dataset} (not available)</option>
          )}
          <optgroup label="Built in">
            {BUILT_IN.map((name) => (
              <option key={name} value={name}>
                {name === 'demo' ? 'Demo (travel assistant)' : name}
              </option>
            ))}
          </optgroup>
          <NameGroup label="Server data folder" names={server ?? []} />
          <NameGroup label="Download from the public source (cached)" names={downloadable} />
          {localName && (
            <optgroup label="Your files">
              <option value={localName}>{local!.label}</option>
            </optgroup>
          )}
        </select>
      </label>
      <div className="open-files">
        <button type="button" className="link" onClick={() => fileInput.current?.click()}>
          Open .zip / .csv…
        </button>
        <button type="button" className="link" onClick={() => folderInput.current?.click()}>
          Open folder…
        </button>
      </div>
      <input
        ref={fileInput}
        type="file"
        accept=".zip,.csv"
        hidden
        data-testid="open-file"
        onChange={(e) => e.target.files && void open(() => filesFromInput(e.target.files!))}
      />
      <input
        ref={folderInput}
        type="file"
        hidden
        data-testid="open-folder"
        {...{ webkitdirectory: '' }}
        onChange={(e) => e.target.files && void open(() => filesFromInput(e.target.files!))}
      />
      {error && (
        <p className="error picker-error" role="alert" data-testid="dataset-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Datasets named as they are, one option each; nothing when there are none. */
function NameGroup({ label, names }: { label: string; names: string[] }) {
  if (names.length === 0) return null;
  return (
    <optgroup label={label}>
      {names.map((name) => (
        <option key={name} value={name}>
          {name}
        </option>
      ))}
    </optgroup>
  );
}
