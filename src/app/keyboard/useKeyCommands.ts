import { useEffect, useRef } from 'react';
import { keyCommand, type KeyCommand } from './keyCommand';

/** Runs `handlers[command]` for the explorer's shortcuts pressed anywhere on the page (see keyCommand). */
export function useKeyCommands(handlers: Partial<Record<KeyCommand, () => void>>): void {
  // The latest handlers, without re-registering the listener on every render.
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target instanceof HTMLElement ? e.target : null;
      const command = keyCommand({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        targetTag: target?.tagName ?? '',
        targetType: target instanceof HTMLInputElement ? target.type : '',
        targetEditable: target?.isContentEditable ?? false,
      });
      const handler = command && latest.current[command];
      if (!handler) return;
      e.preventDefault();
      handler();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
