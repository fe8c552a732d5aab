/** Fits the canvas to the drawing again when a panel beside or under it opens or closes (the canvas changed size). */
import { useEffect, useRef } from 'react';
import { useReactFlow } from '@xyflow/react';

export function useRefitOn(value: unknown): void {
  const flow = useReactFlow();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => void flow.fitView({ padding: 0.15, maxZoom: 1.2, duration: 150 }), 60);
    return () => clearTimeout(t);
  }, [value, flow]);
}
