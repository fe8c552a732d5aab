/** Fits the canvas to the drawing again when a panel beside or under it opens or closes (the canvas changed size). */
import { useEffect, useRef } from 'react';
import { useReactFlow } from '@xyflow/react';

export function useRefitOn(value: unknown): void {
  const flow = useReactFlow();
  // The flow helper's identity changes as React Flow initialises (e.g. with the
  // first node): keep it in a ref so only `value` triggers a refit, never a drop.
  const flowRef = useRef(flow);
  flowRef.current = flow;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(
      () => void flowRef.current.fitView({ padding: 0.15, maxZoom: 1.2, duration: 150 }),
      60,
    );
    return () => clearTimeout(t);
  }, [value]);
}
