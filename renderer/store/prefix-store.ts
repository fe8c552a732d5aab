/**
 * The user's name prefix as the page last read it (settings:prefix). The
 * kernel side applies it; the page only needs it to recognise its own lab in
 * the labs list, which shows kernel (prefixed) lab names.
 */
import { create } from 'zustand';

export const usePrefix = create<{ prefix: string | undefined; set: (prefix: string | undefined) => void }>()(
  (set) => ({
    prefix: undefined,
    set: (prefix) => set({ prefix }),
  }),
);

/** The kernel's name for the lab of a drawing called `lab`. */
export const kernelLabName = (lab: string, prefix = usePrefix.getState().prefix): string =>
  prefix ? prefix + lab : lab;
