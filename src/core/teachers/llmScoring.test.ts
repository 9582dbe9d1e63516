import { describe, expect, it } from 'vitest';
import {
  answerStart,
  buildHydePrompt,
  buildJudgePrompt,
  hydeText,
  isNoToken,
  isYesToken,
  MAX_PROMPT_CHARS,
  parseVerbalizedRating,
  stripThinking,
  yesNoScore,
  type GeneratedToken,
} from './llmScoring';

const ln = Math.log;

function token(text: string, top: [string, number][]): GeneratedToken {
  const top_logprobs = top.map(([t, p]) => ({ token: t, logprob: ln(p) }));
  return { token: text, logprob: top_logprobs.find((a) => a.token === text)?.logprob, top_logprobs };
}

describe('yes/no token variants', () => {
  it('accepts case, leading space, tokenizer space markers and punctuation', () => {
    for (const t of [
      'Yes',
      'yes',
      'YES',
      ' Yes',
      ' yes',
      'ĠYes',
      '▁yes',
      'Yes.',
      'Yes,',
      '"Yes"',
      '**Yes**',
      ' YES!',
      'ĊYes',
    ])
      expect(isYesToken(t), t).toBe(true);
    for (const t of ['No', ' no', 'NO', '▁No', 'ĠNO', 'No.', 'no,', '(no)'])
      expect(isNoToken(t), t).toBe(true);
  });

  it('never matches longer words or other tokens', () => {
    for (const t of ['yesterday', 'Yess', 'eyes', 'yes1', ' Yesterday', 'Ye', 'Y', ''])
      expect(isYesToken(t), t).toBe(false);
    for (const t of ['Not', 'None', 'nope', 'note', 'know', ' No2', 'N']) expect(isNoToken(t), t).toBe(false);
  });
});

describe('yesNoScore', () => {
  it('sums every variant of each word in the first token and ignores longer words', () => {
    // A Llama-style first token: "Yes" 0.6, " yes" 0.1, "No" 0.2, "Yesterday" 0.05, "NO" 0.03.
    const tokens = [
      token('Yes', [
        ['Yes', 0.6],
        ['No', 0.2],
        [' yes', 0.1],
        ['Yesterday', 0.05],
        ['NO', 0.03],
      ]),
      token('<|eot_id|>', [['<|eot_id|>', 0.99]]),
    ];
    const expected = (0.6 + 0.1) / (0.6 + 0.1 + 0.2 + 0.03);
    expect(yesNoScore(tokens).score).toBeCloseTo(expected, 5);
  });

  it('rounds to 5 decimals as the reference', () => {
    const tokens = [
      token('No', [
        ['No', 0.7],
        ['Yes', 0.1234567],
      ]),
    ];
    const score = yesNoScore(tokens).score!;
    expect(score).toBe(Math.round((0.1234567 / 0.8234567) * 1e5) / 1e5);
  });

  it('reads SentencePiece and byte-level BPE tokens', () => {
    const sp = [
      token('▁No', [
        ['▁No', 0.55],
        ['▁Yes', 0.4],
        ['▁Not', 0.05],
      ]),
    ];
    expect(yesNoScore(sp).score).toBeCloseTo(0.4 / 0.95, 5);
    const bpe = [
      token('ĠYes', [
        ['ĠYes', 0.9],
        ['ĠNo', 0.09],
      ]),
    ];
    expect(yesNoScore(bpe).score).toBeCloseTo(0.9 / 0.99, 5);
  });

  it('uses the second token when the first holds no yes/no mass (a leading newline or quote)', () => {
    const tokens = [
      token('\n', [
        ['\n', 0.97],
        ['"', 0.02],
        ['The', 0.01],
      ]),
      token('Yes', [
        ['Yes', 0.3],
        ['No', 0.6],
        ['Maybe', 0.1],
      ]),
    ];
    expect(yesNoScore(tokens).score).toBeCloseTo(1 / 3, 5);
  });

  it('ignores the third token and a mass at or below 1e-4', () => {
    const tokens = [
      token('The', [
        ['The', 0.99],
        ['Yes', 0.00004],
        ['No', 0.00005],
      ]),
      token(' answer', [[' answer', 0.99]]),
      token(' Yes', [
        [' Yes', 0.9],
        [' No', 0.1],
      ]),
    ];
    const out = yesNoScore(tokens);
    expect(out.score).toBeNull();
    expect(out.error).toMatch(/neither yes nor no/);
    expect(out.error).toContain('The answer Yes');
  });

  it('counts the sampled token when a server leaves it out of its top list', () => {
    const tokens: GeneratedToken[] = [
      { token: 'Yes', logprob: ln(0.5), top_logprobs: [{ token: 'No', logprob: ln(0.3) }] },
    ];
    expect(yesNoScore(tokens).score).toBeCloseTo(0.5 / 0.8, 5);
  });

  it('skips a leading thinking segment (one token or pieces) and the white space after it', () => {
    const answer = token('No', [
      ['No', 0.75],
      ['Yes', 0.25],
    ]);
    const single = [
      token('<think>', [['<think>', 1]]),
      token('\n\n', [['\n\n', 1]]),
      token('</think>', [['</think>', 1]]),
      token('\n\n', [['\n\n', 1]]),
      answer,
    ];
    expect(answerStart(single)).toBe(4);
    expect(yesNoScore(single).score).toBeCloseTo(0.25, 5);
    const pieces = ['<', 'think', '>', 'ok', '</', 'think', '>', '\n'].map((t) => token(t, [[t, 1]]));
    expect(answerStart([...pieces, answer])).toBe(8);
    expect(yesNoScore([...pieces, answer]).score).toBeCloseTo(0.25, 5);
  });

  it('explains a thinking segment that never ends, and missing logprobs', () => {
    const thinking = ['<think>', 'Hmm', ',', ' the', ' query'].map((t) => token(t, [[t, 1]]));
    expect(answerStart(thinking)).toBe(-1);
    expect(yesNoScore(thinking).error).toMatch(/still thinking.*enable_thinking/);
    expect(yesNoScore(null).error).toMatch(/no log-probabilities.*verbalized/);
    expect(yesNoScore([]).error).toMatch(/no log-probabilities/);
  });
});

describe('parseVerbalizedRating', () => {
  it('reads a leading number and scales it to [0, 1]', () => {
    expect(parseVerbalizedRating('85').score).toBe(0.85);
    expect(parseVerbalizedRating(' 7\n').score).toBe(0.07);
    expect(parseVerbalizedRating('100').score).toBe(1);
    expect(parseVerbalizedRating('Rating: 62.5').score).toBe(0.625);
    expect(parseVerbalizedRating('85/100').score).toBe(0.85);
    expect(parseVerbalizedRating('8/10').score).toBe(0.8);
    expect(parseVerbalizedRating('{"score": 40}').score).toBe(0.4);
    expect(parseVerbalizedRating('<think>\nweighing it\n</think>\n\n90').score).toBe(0.9);
  });

  it('reads a rating in words', () => {
    expect(parseVerbalizedRating('seventy-five').score).toBe(0.75);
    expect(parseVerbalizedRating('Eighty.').score).toBe(0.8);
    expect(parseVerbalizedRating('One hundred').score).toBe(1);
    expect(parseVerbalizedRating('Rating: zero').score).toBe(0);
  });

  it('gives null with the reason otherwise', () => {
    expect(parseVerbalizedRating('This document seems somewhat related.').error).toMatch(/no 0-100 rating/);
    expect(parseVerbalizedRating('The document covers one topic').error).toMatch(/no 0-100 rating/);
    expect(parseVerbalizedRating('150').error).toMatch(/outside 0-100/);
    expect(parseVerbalizedRating('-3').error).toMatch(/outside 0-100/);
    expect(parseVerbalizedRating('').error).toMatch(/empty/);
    expect(parseVerbalizedRating(null).error).toMatch(/empty/);
    expect(parseVerbalizedRating('<think>still going').error).toMatch(/still thinking/);
  });
});

describe('prompts', () => {
  it('puts query, document and the instruction (when given) into the judge prompt', () => {
    const yesno = buildJudgePrompt(
      'yesno',
      'cheap flights',
      'Fly for less.',
      'Given an intent, find utterances',
    );
    expect(yesno).toContain('Query: cheap flights\nDocument: Fly for less.\n');
    expect(yesno).toContain('Given an intent, find utterances');
    expect(yesno).toMatch(/Yes or No/);
    const verbalized = buildJudgePrompt('verbalized', 'q', 'd');
    expect(verbalized).not.toContain('task');
    expect(verbalized).toMatch(/Rating \(0-100\):$/);
  });

  it('truncates a document so that the prompt stays within the reference bound', () => {
    const long = 'x'.repeat(MAX_PROMPT_CHARS + 1000);
    const prompt = buildJudgePrompt('yesno', 'query', long);
    expect(prompt.length).toBe(MAX_PROMPT_CHARS);
    expect(prompt.endsWith('Answer:')).toBe(true);
    expect(buildJudgePrompt('yesno', 'query', 'short').length).toBeLessThan(400);
  });

  it('writes a HyDE prompt and cleans its reply', () => {
    expect(buildHydePrompt('what is LSA?')).toContain('Query: what is LSA?');
    expect(hydeText('<think>plan</think>\n  LSA factorises a term matrix. ')).toEqual({
      text: 'LSA factorises a term matrix.',
    });
    expect(hydeText('   ').text).toBeNull();
    expect(stripThinking('plain').text).toBe('plain');
  });
});
