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

/**
 * A labelled `CommitTextInput` that shows `value`, the committed text: it is made anew when `value`
 * changes elsewhere (the key the input needs).
 */
export function CommitTextField({
  label,
  value,
  title,
  ...inputProps
}: Omit<CommitTextInputProps, 'defaultValue' | 'title'> & { label: string; value: string; title?: string }) {
  return (
    <label title={title}>
      {label}
      <CommitTextInput key={value} defaultValue={value} {...inputProps} />
    </label>
  );
}
