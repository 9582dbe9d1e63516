import type { InputHTMLAttributes } from 'react';

type CommitTextInputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'onBlur' | 'onKeyDown'> & {
  /** Called with the trimmed text on Enter or when the field loses focus. */
  onCommit: (text: string) => void;
};

/**
 * A text field that commits its trimmed text on Enter or when it loses focus, not on every keystroke: each
 * commit changes the view, and a half-typed model name is not one to load. It is uncontrolled: give it a
 * `defaultValue`, and a `key` that changes with the committed value, so that it shows a value set elsewhere.
 */
export function CommitTextInput({ onCommit, ...inputProps }: CommitTextInputProps) {
  const commit = (input: HTMLInputElement) => onCommit(input.value.trim());
  return (
    <input
      type="text"
      {...inputProps}
      onBlur={(e) => commit(e.currentTarget)}
      onKeyDown={(e) => e.key === 'Enter' && commit(e.currentTarget)}
    />
  );
}
