import { describe, expect, it } from 'vitest';
import { formatPace, formatRate, formatTimeLeft, PaceEstimator } from './progressRate';

/** An estimator on a fake clock: `at(ms, done)` feeds one event of `stage` seen at `ms`. */
function clocked(total = 1000, stage = 'embed documents') {
  const estimator = new PaceEstimator();
  return (ms: number, done: number, name = stage, of = total) =>
    estimator.update({ stage: name, done, total: of }, ms);
}

describe('pace estimator', () => {
  it('says nothing before a second has passed, then the rate, then the time left from 1 % done', () => {
    const at = clocked(100_000);
    expect(at(0, 0)).toBeUndefined();
    expect(at(900, 90)).toBeUndefined(); // under a second
    expect(at(1000, 100)).toEqual({ rate: 100 }); // a second, but only 0.1 % done: no time left yet
    expect(at(10_000, 1000)).toEqual({ rate: 100, secondsLeft: 990 });
  });

  it('measures from the first event seen of the stage, not from zero', () => {
    const at = clocked(1000);
    at(5000, 400); // the bar opened when 400 were already done
    expect(at(7000, 600)).toEqual({ rate: 100, secondsLeft: 4 });
  });

  it('starts over when the stage changes or its count goes back', () => {
    const at = clocked(1000);
    at(0, 0);
    expect(at(2000, 200)).toEqual({ rate: 100, secondsLeft: 8 });
    expect(at(2500, 0, 'embed queries', 50)).toBeUndefined();
    expect(at(3000, 10, 'embed queries', 50)).toBeUndefined(); // half a second into the new stage
    expect(at(4500, 40, 'embed queries', 50)).toEqual({ rate: 20, secondsLeft: 0.5 });
    at(5000, 0, 'embed queries', 50); // a second pass of the same stage
    expect(at(5500, 25, 'embed queries', 50)).toBeUndefined();
  });

  it('never reports a negative time left, and the rate alone when the total is unknown', () => {
    const at = clocked(100);
    at(0, 0);
    expect(at(2000, 120)).toEqual({ rate: 60, secondsLeft: 0 });
    const unknown = clocked(0);
    unknown(0, 0);
    expect(unknown(4000, 2000)).toEqual({ rate: 500 });
  });

  it('gives the same answer when the same event is taken twice (a repeated render)', () => {
    const at = clocked(1000);
    at(0, 0);
    expect(at(3000, 300)).toEqual(at(3000, 300));
  });

  it('takes its thresholds as options', () => {
    const estimator = new PaceEstimator({ minElapsedMs: 500, minFraction: 0 });
    estimator.update({ stage: 's', done: 0, total: 1000 }, 0);
    expect(estimator.update({ stage: 's', done: 1, total: 1000 }, 500)).toEqual({
      rate: 2,
      secondsLeft: 499.5,
    });
    estimator.reset();
    expect(estimator.update({ stage: 's', done: 2, total: 1000 }, 600)).toBeUndefined();
  });
});

describe('pace formatting', () => {
  it('reads rates per second, or per minute when slower than one a second', () => {
    expect(formatRate(340.4)).toBe('340/s');
    expect(formatRate(2.46)).toBe('2.5/s');
    expect(formatRate(0.3)).toBe('18/min');
    expect(formatRate(0.05)).toBe('3.0/min');
    expect(formatRate(12_345)).toBe(`${(12_345).toLocaleString()}/s`);
  });

  it('reads the time left in seconds, minutes or hours', () => {
    expect(formatTimeLeft(0.2)).toBe('almost done');
    expect(formatTimeLeft(41.3)).toBe('about 41 s left');
    expect(formatTimeLeft(89)).toBe('about 89 s left');
    expect(formatTimeLeft(200)).toBe('about 3 min left');
    expect(formatTimeLeft(7500)).toBe('about 2 h 05 min left');
    expect(formatTimeLeft(-5)).toBe('almost done');
  });

  it('joins them, or says nothing while it is too early', () => {
    expect(formatPace(undefined)).toBe('');
    expect(formatPace({ rate: 340 })).toBe('340/s');
    expect(formatPace({ rate: 340, secondsLeft: 40.6 })).toBe('340/s · about 41 s left');
  });
});
