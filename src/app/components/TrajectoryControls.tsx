import { useEffect } from 'react';
import type { QueryView } from '../../core/experiment/session';
import { useKeyCommands } from '../keyboard/useKeyCommands';
import { useExplorer } from '../stores/explorerStore';

/**
 * Play/pause and a step slider for the query's path; playback advances one recorded step per frame.
 * Keyboard: ←/→ step, space plays or pauses.
 */
export function TrajectoryControls({ query }: { query: QueryView }) {
  const step = useExplorer((s) => s.step);
  const playing = useExplorer((s) => s.playing);
  const setStep = useExplorer((s) => s.setStep);
  const setPlaying = useExplorer((s) => s.setPlaying);
  const last = query.steps.length - 1;
  useKeyCommands({
    'previous-step': () => setStep(Math.max(0, useExplorer.getState().step - 1)),
    'next-step': () => setStep(Math.min(last, useExplorer.getState().step + 1)),
    'toggle-play': () => setPlaying(!useExplorer.getState().playing),
  });

  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    let previous = performance.now();
    const tick = (now: number) => {
      // About 3 seconds for the whole path, whatever the number of steps.
      if (now - previous >= 3000 / Math.max(last, 1)) {
        previous = now;
        const { step: current } = useExplorer.getState();
        if (current >= last) {
          useExplorer.setState({ playing: false });
          return;
        }
        useExplorer.setState({ step: current + 1 });
      }
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing, last]);

  const loss = query.lossPerStep[Math.min(query.steps[step] ?? 0, query.lossPerStep.length - 1)];
  return (
    <div className="trajectory-controls">
      <button
        type="button"
        onClick={() => setPlaying(!playing)}
        data-testid="play"
        aria-label={playing ? 'Pause' : 'Play'}
      >
        {playing ? '❚❚ Pause' : '▶ Play'}
      </button>
      <input
        type="range"
        min={0}
        max={last}
        value={step}
        onChange={(e) => setStep(Number(e.target.value))}
        data-testid="trajectory-slider"
        aria-label="Optimisation step"
      />
      <span className="step-label" data-testid="step-label">
        step {query.steps[step]} / {query.steps[last]}
        {loss !== undefined && ` · loss ${loss.toPrecision(3)}`}
      </span>
    </div>
  );
}
