/** The explorer's keyboard shortcuts: ←/→ step, space plays or pauses, j/k next/previous query. */
export type KeyCommand = 'previous-step' | 'next-step' | 'toggle-play' | 'next-query' | 'previous-query';

export interface KeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The focused element: tag name (upper case, as the DOM gives it), input type, whether it is editable. */
  targetTag: string;
  targetType: string;
  targetEditable: boolean;
}

const KEYS: Record<string, KeyCommand> = {
  ArrowLeft: 'previous-step',
  ArrowRight: 'next-step',
  ' ': 'toggle-play',
  j: 'next-query',
  k: 'previous-query',
};

/** Inputs one does not type into. */
const CONTROL_INPUTS = ['range', 'checkbox', 'radio', 'button', 'submit', 'reset', 'color', 'file'];

/**
 * The command a key press means, or null: none while the user types (text inputs, text areas, selects,
 * editable content) or holds a modifier (browser shortcuts); none where the focused control handles the key
 * itself: space on buttons and checkboxes, arrows on the step slider (which steps the same way).
 */
export function keyCommand(e: KeyInput): KeyCommand | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const input = e.targetTag === 'INPUT';
  const typing =
    e.targetEditable ||
    e.targetTag === 'TEXTAREA' ||
    e.targetTag === 'SELECT' ||
    (input && !CONTROL_INPUTS.includes(e.targetType));
  if (typing) return null;
  const command = KEYS[e.key] ?? null;
  if (command === 'toggle-play' && (e.targetTag === 'BUTTON' || (input && e.targetType !== 'range')))
    return null;
  if ((command === 'previous-step' || command === 'next-step') && input && e.targetType === 'range')
    return null;
  return command;
}
