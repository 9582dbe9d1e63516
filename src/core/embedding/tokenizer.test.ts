import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenizer';

describe('tokenize', () => {
  it('lowercases and splits on anything that is not a letter or digit', () => {
    expect(tokenize('Transfer $500 to Savings-Account, ASAP!')).toEqual([
      'transfer',
      '500',
      'savings',
      'account',
      'asap',
    ]);
  });

  it('drops one-character tokens and stop words', () => {
    expect(tokenize("What is the PIN of my card? I don't know it; x 2 y")).toEqual([
      'pin',
      'card',
      'don',
      'know',
    ]);
  });

  it('keeps non-Latin scripts and accented words whole', () => {
    expect(tokenize('Café über straße 東京タワー naïve')).toEqual([
      'café',
      'über',
      'straße',
      '東京タワー',
      'naïve',
    ]);
    // A decomposed accent (e + combining acute) stays inside its word.
    expect(tokenize('cafe\u0301 ok')).toEqual(['cafe\u0301', 'ok']);
  });

  it('returns nothing for empty or stop-word-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize('and the of a I')).toEqual([]);
  });
});
