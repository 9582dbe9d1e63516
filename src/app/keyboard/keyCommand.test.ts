import { describe, expect, it } from 'vitest';
import { keyCommand, type KeyInput } from './keyCommand';

const press = (key: string, more: Partial<KeyInput> = {}): KeyInput => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  targetTag: 'BODY',
  targetType: '',
  targetEditable: false,
  ...more,
});

describe('keyCommand', () => {
  it('maps the shortcuts', () => {
    expect(keyCommand(press('ArrowLeft'))).toBe('previous-step');
    expect(keyCommand(press('ArrowRight'))).toBe('next-step');
    expect(keyCommand(press(' '))).toBe('toggle-play');
    expect(keyCommand(press('j'))).toBe('next-query');
    expect(keyCommand(press('k'))).toBe('previous-query');
    expect(keyCommand(press('x'))).toBeNull();
  });

  it('leaves typing, form controls, browser shortcuts and a focused button’s space alone', () => {
    expect(keyCommand(press('j', { targetTag: 'INPUT', targetType: 'search' }))).toBeNull();
    expect(keyCommand(press('ArrowLeft', { targetTag: 'INPUT', targetType: 'number' }))).toBeNull();
    expect(keyCommand(press('k', { targetTag: 'TEXTAREA' }))).toBeNull();
    expect(keyCommand(press('j', { targetTag: 'SELECT' }))).toBeNull();
    expect(keyCommand(press('j', { targetTag: 'DIV', targetEditable: true }))).toBeNull();
    expect(keyCommand(press('ArrowRight', { ctrlKey: true }))).toBeNull();
    expect(keyCommand(press(' ', { targetTag: 'BUTTON' }))).toBeNull();
    expect(keyCommand(press('j', { targetTag: 'BUTTON' }))).toBe('next-query');
    expect(keyCommand(press(' ', { targetTag: 'INPUT', targetType: 'checkbox' }))).toBeNull();
  });

  it('on the focused step slider: its own arrows, the explorer’s space and j/k', () => {
    const slider = { targetTag: 'INPUT', targetType: 'range' };
    expect(keyCommand(press('ArrowRight', slider))).toBeNull();
    expect(keyCommand(press(' ', slider))).toBe('toggle-play');
    expect(keyCommand(press('j', slider))).toBe('next-query');
  });
});
