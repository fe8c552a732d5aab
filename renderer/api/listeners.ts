/** The event listeners of an API (the browser-mode socket client's and the demo's): added per event, called in order. */
import type { EventName } from '../../shared/ipc/contract';

type Listener = (payload: unknown) => void;

/** Listeners by event. */
export interface Listeners {
  /** Adds `listener` for `event`; returns the function that removes it again. */
  on(event: EventName, listener: Listener): () => void;
  /** Calls every listener of `event` with `payload` (already checked by the caller). */
  emit(event: EventName, payload: unknown): void;
}

/** An empty set of listeners. */
export function createListeners(): Listeners {
  const byEvent = new Map<EventName, Set<Listener>>();
  return {
    on(event, listener) {
      let set = byEvent.get(event);
      if (!set) byEvent.set(event, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
    emit(event, payload) {
      for (const l of byEvent.get(event) ?? []) l(payload);
    },
  };
}
