import { describe, expect, it } from 'vitest';
import { DEFAULT_METHOD, REFIT_DEFAULT_LR } from './config';
import { runDemoExperiment } from '../../testing/demoRun';
import { rankTrajectoryView, sessionTeachingSource, teacherStudentView } from './queryTeaching';
import { RefinementSession } from './session';

async function demoSession(refit: boolean): Promise<RefinementSession> {
  const method = {
    ...DEFAULT_METHOD,
    refit,
    lr: refit ? REFIT_DEFAULT_LR : DEFAULT_METHOD.lr,
    recordEvery: 10,
  };
  return new RefinementSession(await runDemoExperiment(method), method);
}

describe('the teaching views of a demo session', () => {
  for (const refit of [false, true]) {
    it(`teacher vs student: p from the teacher's scores, KL equal to the recorded loss${refit ? ' (ReFIT)' : ''}`, async () => {
      const session = await demoSession(refit);
      const view = teacherStudentView(sessionTeachingSource(session), 1);
      const sampled = session.result.sampled[1];
      expect(view.refit).toBe(refit);
      expect(view.documents.map((d) => d.candidate)).toEqual(Array.from(sampled));
      // The gold teacher scores relevant documents 1 and the others 0.
      view.documents.forEach((d, k) => expect(view.teacherScores[k]).toBe(d.label > 0 ? 1 : 0));
      expect(view.steps).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
      const loss = session.view(1).lossPerStep;
      view.perStep.forEach((step, s) => {
        expect(step.r.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        if (view.steps[s] < loss.length) expect(step.kl).toBeCloseTo(loss[view.steps[s]], 5);
      });
    });
  }

  it('ranks over steps start at the original ranking and end at the refined one', async () => {
    const session = await demoSession(false);
    const trajectory = await rankTrajectoryView(sessionTeachingSource(session), 2);
    const q = session.result.dataset.queries[2];
    const relevant = q.labels.filter((l) => l > 0).length;
    expect(trajectory.documents.filter((d) => d.label > 0)).toHaveLength(relevant);
    expect(trajectory.documents.filter((d) => d.sampledIndex !== null)).toHaveLength(
      session.result.sampled[2].length,
    );
    expect(trajectory.ranks).toHaveLength(trajectory.steps.length);
    const view = session.view(2, q.candidates.length);
    const byCandidate = new Map(view.documents.map((d) => [d.candidate, d]));
    trajectory.documents.forEach((d, t) => {
      expect(trajectory.ranks[0][t]).toBe(byCandidate.get(d.candidate)!.rankBefore);
      expect(trajectory.ranks.at(-1)![t]).toBe(byCandidate.get(d.candidate)!.rankAfter);
    });
  });
});
