/** View controls (minimap, theme) and Help, at the foot of the palette. */
import { editorStore, useEditor } from '../store/editor';
import { useUi } from '../store/ui-store';

const THEME_NEXT = { system: 'light', light: 'dark', dark: 'system' } as const;
const THEME_LABEL = { system: 'System', light: 'Light', dark: 'Dark' } as const;

/** Minimap and theme toggles, and Help. */
export function ViewButtons() {
  const minimap = useEditor((s) => s.prefs.minimap);
  const theme = useEditor((s) => s.prefs.theme);
  return (
    <div className="np-view" role="group" aria-label="View">
      <div className="np-palette__title">View</div>
      <button
        type="button"
        className={`np-btn np-toggle${minimap ? ' is-on' : ''}`}
        aria-pressed={minimap}
        onClick={() => editorStore.getState().setPrefs({ minimap: !minimap })}
      >
        Minimap
      </button>
      <button
        type="button"
        className="np-btn"
        onClick={() => editorStore.getState().setPrefs({ theme: THEME_NEXT[theme] })}
        title="Colour theme: system, light or dark"
        aria-label={`Theme: ${THEME_LABEL[theme]}`}
      >
        Theme: {THEME_LABEL[theme]}
      </button>
      <button
        type="button"
        className="np-btn"
        onClick={() => useUi.getState().set({ dialog: 'help' })}
        title="Keyboard shortcuts and help (?)"
      >
        Help
      </button>
    </div>
  );
}
