import type { StateCreator } from 'zustand';
import type { BackendInfo } from '../../../core/compute/backend';
import type { DatasetSpec } from '../../../core/datasets/datasetSpec';
import type { LatencyReport } from '../../../core/experiment/latency';
import type { QueryProjection } from '../../../core/experiment/queryProjection';
import type { QueryView } from '../../../core/experiment/session';
import type { ProgressEvent } from '../../../core/progress';
import type { RunSource } from '../../runs/runSource';
import type { RunListing } from '../../../core/experiment/runListing';
import type { RunSpec } from '../../../core/experiment/runSpec';
import type { SavedRun } from '../../storage/runHistory';
import type { ViewState } from '../../url/urlState';
import type { ExperimentResponse } from '../../workers/engineApi';
import type { OpenedRunInfo } from '../../workers/openRunService';

/** The explorer's store, one slice per concern (explorerStore.ts puts them together). */

export type Status = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

/** Files the user dropped or picked, parsed in the worker; not in the URL (a reload asks for them again). */
export interface LocalDataset {
  label: string;
  spec: DatasetSpec;
  files: Record<string, Uint8Array>;
}

/** What is shown and how: the URL's view state, the dropped files, the step on the map. */
export interface ViewSlice {
  view: ViewState;
  /** Why values of the link gave way to their defaults (read on load and back/forward; cleared by a new run). */
  linkProblems: string[];
  localDataset?: LocalDataset;
  /** Index into the query's recorded steps shown on the map. */
  step: number;
  playing: boolean;
  /** Applies a change of view state: pushes it to the URL and re-runs only what it needs. */
  update(patch: Partial<ViewState>, options?: { replace?: boolean }): void;
  /** Reads the URL (first load, back/forward) and re-runs what is needed. */
  syncFromUrl(): void;
  /** Opens files the user dropped or picked as the dataset. */
  openLocalDataset(local: LocalDataset): void;
  selectQuery(id: string): void;
  setStep(step: number): void;
  setPlaying(playing: boolean): void;
}

/** The run in the worker: a whole-dataset run or an opened one, and the selected query's views. */
export interface RunSlice {
  backend?: BackendInfo;
  /** The whole-dataset run. */
  status: Status;
  progress?: ProgressEvent;
  error?: string;
  experiment?: ExperimentResponse;
  /** The selected query's refinement (`refinement-status` in the automation surface). */
  queryStatus: Status;
  queryError?: string;
  query?: QueryView;
  projectionStatus: Status;
  projectionProgress?: ProgressEvent;
  projectionError?: string;
  projection?: QueryProjection;
  /** The finished run shown, when it was opened from its files (read-only) instead of run here. */
  openedRun?: OpenedRunInfo;
  /** The run being opened (its name), while `status` is running. */
  opening?: string;
  run(): Promise<void>;
  cancel(): void;
  /** Loads the selected query's view and projection; stale answers (a newer selection) are dropped. */
  loadQuery(): Promise<void>;
  /** What-if: the teacher's score of sampled document k becomes `score` (null: restore all). */
  editTeacherScore(k: number | null, score?: number): Promise<void>;
  /** Opens a finished run's files in the worker (progress and cancel as a run's). */
  openRun(source: RunSource): Promise<void>;
  /** Runs the opened run's settings in this browser, then compares the two runs side by side. */
  rerunInBrowser(): void;
  /** Leaves the opened run: the live settings run here again. */
  closeRun(): void;
}

/** Runs kept in the browser, and what is made from the current one: its zip and its latency report. */
export interface HistorySlice {
  /** Finished runs kept in the browser (IndexedDB), newest first. */
  history: SavedRun[];
  historyError?: string;
  /** The id under which the current run was saved. */
  currentRunId?: string;
  /** Two history runs the run history compares side by side (after "Re-run in the browser" or a re-run). */
  compareRunIds?: [string, string];
  /**
   * Keeps a finished run in the browser's history with its whole spec (`runSpecOfView` of the view that
   * ran it); a full or blocked IndexedDB only shows a note.
   */
  /** `createdAt`: when the run was made (an opened run's config.json says), else now. */
  saveRun(
    id: string,
    spec: RunSpec,
    backend: string,
    experiment: ExperimentResponse,
    createdAt?: string,
  ): Promise<void>;
  /** Runs a kept run's whole spec here again (on the view's backend), then compares the two runs. */
  rerunSaved(id: string): void;
  refreshHistory(): Promise<void>;
  deleteRun(id: string): Promise<void>;
  /** Progress and errors of the zip export of the current run. */
  exportStatus: Status;
  exportProgress?: ProgressEvent;
  exportError?: string;
  /** Builds the current run's zip in the worker and hands it to the browser as a download. */
  exportRun(): Promise<void>;
  latencyStatus: Status;
  latencyProgress?: ProgressEvent;
  latencyError?: string;
  latency?: LatencyReport;
  /** Times query embedding, teacher, refinement and re-scoring one query at a time (latency report). */
  measureLatency(): Promise<void>;
}

/** What the app's server offers: datasets in its data folder, finished runs. */
export interface ServerSlice {
  /** Registered datasets the server's data folder holds; null when no server data folder answers. */
  serverDatasets: string[] | null;
  /** Asks the server which datasets its data folder holds. */
  discoverServerData(): Promise<void>;
  /** The server's finished runs (`GET /api/runs`); null until asked. */
  serverRuns: RunListing[] | null;
  listServerRuns(): Promise<void>;
}

export type ExplorerState = ViewSlice & RunSlice & HistorySlice & ServerSlice;

/** A slice's part of the store, with the whole store's `set` and `get`. */
export type Slice<T> = StateCreator<ExplorerState, [], [], T>;
