import { describe, expect, it } from 'vitest';
import {
  answerStart,
  hydeText,
  isContentFilterMessage,
  isNoToken,
  isYesToken,
  parseVerbalizedRating,
  stripThinking,
  trueFalseScore,
  yesNoScore,
  type GeneratedToken,
} from './llmScoring';

const ln = Math.log;

function token(text: string, top: [string, number][]): GeneratedToken {
  const top_logprobs = top.map(([t, p]) => ({ token: t, logprob: ln(p) }));
  return { token: text, logprob: top_logprobs.find((a) => a.token === text)?.logprob, top_logprobs };
}

// Each expectation on a token below was checked with python3 against the reference's
// re.compile(r"(\W|Ġ|_)*yes(\W|Ġ|_)*", flags=re.IGNORECASE).fullmatch (and the same for "no").
describe('yes/no token variants', () => {
  it('accepts what the reference regex accepts: case, separators, Ġ, underscores, combining marks', () => {
    for (const t of [
      'Yes',
      'yes',
      'YES',
      ' Yes',
      'ĠYes',
      '▁yes',
      'Yes.',
      '"Yes"',
      '**Yes**',
      ' YES!',
      '_yes_',
      '«Yes»',
      '\nYes',
      'Yes\u0301',
      'yeſ',
    ])
      expect(isYesToken(t), t).toBe(true);
    for (const t of ['No', '▁No', 'ĠNO', 'No.', '(no)']) expect(isNoToken(t), t).toBe(true);
  });

  it('rejects longer words, digits, and letters around the word (the BPE newline marker Ċ is a letter)', () => {
    for (const t of ['yesterday', 'Yess', 'eyes', 'yes1', 'Ye', '', 'ĊYes'])
      expect(isYesToken(t), t).toBe(false);
    for (const t of ['Not', 'No2', 'ĊNo', 'Nº']) expect(isNoToken(t), t).toBe(false);
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

  it("rounds to 5 decimals with Python's round: an exact tie goes to the even digit", () => {
    const tokens = [
      token('No', [
        ['No', 0.7],
        ['Yes', 0.1234567],
      ]),
    ];
    // python3: round(0.1234567 / 0.8234567, 5) == 0.14992
    expect(yesNoScore(tokens).score).toBe(0.14992);
    // These log-probabilities give P(yes) / (P(yes) + P(no)) = 0.015625 = 1/64 exactly, in Node as in python3
    // (math.exp), whose round(0.015625, 5) is 0.01562; Math.round and toFixed would give 0.01563.
    const tie: GeneratedToken[] = [
      {
        token: 'No',
        top_logprobs: [
          { token: 'No', logprob: -0.015748356968142467 },
          { token: 'Yes', logprob: -4.158883083359675 },
        ],
      },
    ];
    const [no, yes] = tie[0].top_logprobs.map((t) => Math.exp(t.logprob));
    expect(yes / (yes + no)).toBe(1 / 64);
    expect(yesNoScore(tie).score).toBe(0.01562);
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

  it('reads only the top list, as the reference (the sampled token is not added when missing from it)', () => {
    const tokens: GeneratedToken[] = [
      { token: 'Yes', logprob: ln(0.5), top_logprobs: [{ token: 'No', logprob: ln(0.3) }] },
    ];
    expect(yesNoScore(tokens).score).toBe(0);
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
    expect(yesNoScore(thinking).error).toMatch(/still thinking.*\(thinking: off\)/);
    expect(yesNoScore(null).error).toMatch(/no log-probabilities.*verbalized/);
    expect(yesNoScore([]).error).toMatch(/no log-probabilities/);
  });
});

describe('parseVerbalizedRating (the reference regex, then Python float)', () => {
  // Expected values from python3: float of re.search(r"([-]*[0-9]+(\.([0-9]+))*)|([\w]+)", text)'s match.
  it('reads the first number and scales 0-100 to [0, 1]', () => {
    expect(parseVerbalizedRating('85').score).toBe(0.85);
    expect(parseVerbalizedRating(' 7\n').score).toBe(0.07);
    expect(parseVerbalizedRating('100').score).toBe(1);
    expect(parseVerbalizedRating('  -7.5 ').score).toBe(-0.075);
    expect(parseVerbalizedRating('150').score).toBe(1.5);
    expect(parseVerbalizedRating('007').score).toBe(0.07);
    expect(parseVerbalizedRating('85/100').score).toBe(0.85);
    expect(parseVerbalizedRating('8.5/10').score).toBe(0.085);
    expect(parseVerbalizedRating('<think>\nweighing it\n</think>\n\n90').score).toBe(0.9);
  });

  it('reads a word as Python float() does: Unicode digits, exponents, underscores', () => {
    expect(parseVerbalizedRating('８５').score).toBe(0.85); // float('８５') == 85.0
    expect(parseVerbalizedRating('٨٥ points').score).toBe(0.85); // float('٨٥') == 85.0
    expect(parseVerbalizedRating('٣e1').score).toBe(0.3); // float('٣e1') == 30.0
  });

  it('takes "score" from a JSON reply only when it is a string, as get_generated_text and re.search', () => {
    expect(parseVerbalizedRating('{"score": "40"}').score).toBe(0.4);
    expect(parseVerbalizedRating('{"score": 40}').error).toMatch(/not a string/);
    expect(parseVerbalizedRating('{"score": 4').error).toMatch(/not JSON with a "score"/);
    expect(parseVerbalizedRating('{"rating": "4"}').error).toMatch(/not JSON with a "score"/);
  });

  it('gives null with the reason where the reference gives ERR', () => {
    for (const reply of [
      'Rating: 85',
      'This document seems somewhat related.',
      'seventy-five',
      '1.2.3',
      '--5',
      '',
    ])
      expect(parseVerbalizedRating(reply).error, reply).toMatch(/no rating at the start/);
    expect(parseVerbalizedRating(null).error).toMatch(/no reply/);
    expect(parseVerbalizedRating('<think>still going').error).toMatch(/still thinking/);
    // float('nan') and float('Infinity') succeed in Python; such a rating is refused here.
    expect(parseVerbalizedRating('nan').error).toMatch(/reads as NaN/);
    expect(parseVerbalizedRating('Infinity').error).toMatch(/reads as Infinity/);
  });
});

describe('hydeText', () => {
  it('keeps the passage as it came (untrimmed), after a thinking segment', () => {
    expect(hydeText('  LSA factorises a term matrix. ')).toEqual({
      text: '  LSA factorises a term matrix. ',
    });
    expect(hydeText('<think>plan</think>\nLSA factorises.')).toEqual({ text: 'LSA factorises.' });
    expect(hydeText('{"score": "a passage"}')).toEqual({ text: 'a passage' });
    expect(hydeText('{not json').text).toBeNull();
    expect(hydeText('   ').text).toBeNull();
    expect(stripThinking('plain').text).toBe('plain');
  });
});

describe('trueFalseScore (FollowIR)', () => {
  it('is the two-way softmax of the true and false log-probabilities', () => {
    const out = trueFalseScore({ true: -0.5, false: -1.5, ' true': -2, True: -3 });
    expect(out.score).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
    expect(trueFalseScore({ true: ln(0.3), false: ln(0.6) }).score).toBeCloseTo(1 / 3, 15);
  });

  it('counts only the exact tokens, takes a missing one as 0, and explains when both are missing', () => {
    expect(trueFalseScore({ true: -0.1, ' false': -2 }).score).toBe(1);
    expect(trueFalseScore({ false: -0.1, ' true': -2 }).score).toBe(0);
    expect(trueFalseScore({ ' true': -0.1, True: -2 }).error).toMatch(/neither "true" nor "false"/);
    expect(trueFalseScore(null).error).toMatch(/no log-probabilities/);
  });
});

describe('isContentFilterMessage', () => {
  it('looks for the words the reference looks for', () => {
    expect(isContentFilterMessage('400 The response was filtered due to the prompt triggering')).toBe(true);
    expect(isContentFilterMessage('400 Bad request')).toBe(false);
  });
});
