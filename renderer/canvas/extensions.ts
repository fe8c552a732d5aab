/**
 * What other parts of the page add to the canvas: marks drawn on nodes and
 * links (live check badges and traffic, activity padlocks) and context-menu
 * items (live lab tools). The app shell passes them in (renderer/app/App.tsx,
 * `<Canvas extensions>`), so the canvas imports no panel; without them it is a
 * plain editor canvas.
 */
import { createContext, type ComponentType } from 'react';
import type { MenuItem } from './ContextMenu';

export interface CanvasExtensions {
  /** Drawn inside node `id`'s box. */
  NodeMarks: ComponentType<{ id: string }>;
  /** Drawn over link `id`'s path `d` (SVG). */
  EdgeOverlay: ComponentType<{ id: string; d: string }>;
  /** Drawn at point (x, y) of link `id`, its middle (SVG). */
  EdgeBadge: ComponentType<{ id: string; x: number; y: number }>;
  /** Extra context-menu items for one node. */
  nodeMenuItems(nodeId: string): MenuItem[];
  /** Extra context-menu items for a link. */
  linkMenuItems(linkId: string): MenuItem[];
}

const nothing = () => null;

/** No extensions: a plain editor canvas. */
export const NO_EXTENSIONS: CanvasExtensions = {
  NodeMarks: nothing,
  EdgeOverlay: nothing,
  EdgeBadge: nothing,
  nodeMenuItems: () => [],
  linkMenuItems: () => [],
};

/** The extensions of the canvas being drawn (provided by Canvas from its `extensions` prop). */
export const ExtensionsContext = createContext<CanvasExtensions>(NO_EXTENSIONS);
