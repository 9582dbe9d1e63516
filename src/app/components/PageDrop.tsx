import { useEffect, useState } from 'react';
import { filesFromDrop, localDatasetFromFiles } from '../data/readUserFiles';
import { runSourceOf } from '../runs/detectRun';
import { useExplorer } from '../stores/explorerStore';

/**
 * Files dropped anywhere on the page, whatever it shows (the live settings or an opened run, whose read-only
 * settings have no dataset picker): a finished run (a CLI or reference run folder, or its zip) opens as a
 * run, anything else as a dataset (a folder, a .zip of one, or a text,label CSV).
 */
export function PageDrop() {
  const openRun = useExplorer((s) => s.openRun);
  const openLocal = useExplorer((s) => s.openLocalDataset);
  const [dragging, setDragging] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    const open = async (transfer: DataTransfer) => {
      setError(undefined);
      try {
        const files = await filesFromDrop(transfer);
        const run = await runSourceOf(files);
        if (run) return void (await openRun(run));
        openLocal(await localDatasetFromFiles(files));
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    };
    const over = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDragging(false);
      void open(e.dataTransfer);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [openRun, openLocal]);

  return (
    <>
      {error && (
        <p className="error banner" role="alert" data-testid="drop-error">
          What was dropped could not be opened: {error}
        </p>
      )}
      {dragging && (
        <div className="drop-overlay">
          Drop a dataset folder, a .zip of one, or a .csv (text,label); or a finished run&apos;s folder or
          .zip
        </div>
      )}
    </>
  );
}
