import { useEffect, useRef, useState } from 'react';

/** The width of an element as it resizes (at least `min`), for charts that draw in pixels. */
export function useElementWidth<T extends HTMLElement>(initial: number, min: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(min, el.clientWidth)));
    observer.observe(el);
    return () => observer.disconnect();
  }, [min]);
  return [ref, width] as const;
}
