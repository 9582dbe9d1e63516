/** One choice of a select: its value, and what it is called when that is not the value itself. */
export type SelectOption<T extends string> = T | { value: T; label: string };

/**
 * A labelled select of a settings bar: the label above, one option per choice, the chosen value handed to
 * `onChange` with its type.
 */
export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
  testId,
  title,
}: {
  label: string;
  value: T;
  options: readonly SelectOption<T>[];
  onChange: (value: T) => void;
  testId?: string;
  title?: string;
}) {
  return (
    <label title={title}>
      {label}
      <select value={value} data-testid={testId} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => {
          const option = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          );
        })}
      </select>
    </label>
  );
}
