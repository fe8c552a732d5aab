/**
 * The native menus. Items send a `menu:command` intent (the page runs it like
 * its toolbar button, asking about unsaved work itself, and calls file:open /
 * file:save for the native dialogs); only Open Recent is read here. Cut/Copy/Paste are the native roles: they fire the page's
 * cut/copy/paste DOM events, so text fields and the canvas both work.
 *
 * Shortcuts the page already handles itself (undo, redo, select all, delete,
 * zoom, fit) are shown but not registered (registerAccelerator: false), so a
 * key press is not carried out twice.
 */
import path from 'node:path';
import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/ipc/contract';

export interface MenuActions {
  command: (command: MenuCommand, exampleId?: string) => void;
  /** Open Recent: main reads the file and sends it to the page (file:opened). */
  openRecent: (file: string) => void;
  clearRecent: () => void;
  setTheme: (theme: 'system' | 'light' | 'dark') => void;
  about: () => void;
}

export interface MenuState {
  recent: string[];
  examples: { id: string; title: string }[];
  theme: 'system' | 'light' | 'dark';
  dev: boolean;
}

/** Builds the application menu. */
export function buildMenu(a: MenuActions, s: MenuState): Menu {
  const page = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    registerAccelerator: false,
    click: () => a.command(command),
  });
  const main = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => a.command(command),
  });
  const recent: MenuItemConstructorOptions[] = s.recent.length
    ? [
        ...s.recent.map((file) => ({
          label: `${path.basename(file)} — ${path.dirname(file)}`,
          click: () => a.openRecent(file),
        })),
        { type: 'separator' },
        { label: 'Clear Recent', click: a.clearRecent },
      ]
    : [{ label: 'No recent files', enabled: false }];
  const examples: MenuItemConstructorOptions[] = s.examples.length
    ? s.examples.map((e) => ({ label: e.title, click: () => a.command('new-from-example', e.id) }))
    : [{ label: 'No examples installed', enabled: false }];
  const theme = (label: string, value: MenuState['theme']): MenuItemConstructorOptions => ({
    label,
    type: 'radio',
    checked: s.theme === value,
    click: () => a.setTheme(value),
  });

  const template: MenuItemConstructorOptions[] = [
    {
      label: '&File',
      submenu: [
        main('New', 'new', 'CmdOrCtrl+N'),
        { label: 'New from Example', submenu: examples },
        main('New from Lesson…', 'new-from-lesson'),
        main('Activities…', 'activities'),
        main('New Activity from This Lab', 'new-activity'),
        { type: 'separator' },
        main('Open…', 'open', 'CmdOrCtrl+O'),
        { label: 'Open Recent', submenu: recent },
        main('Open Running Lab…', 'open-running-lab'),
        { type: 'separator' },
        main('Save', 'save', 'CmdOrCtrl+S'),
        main('Save As…', 'save-as', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        main('Import…', 'import'),
        main('Export…', 'export', 'CmdOrCtrl+E'),
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        page('Undo', 'undo', 'CmdOrCtrl+Z'),
        page('Redo', 'redo', 'CmdOrCtrl+Shift+Z'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        page('Select All', 'select-all', 'CmdOrCtrl+A'),
        page('Delete', 'delete', 'Delete'),
      ],
    },
    {
      label: '&View',
      submenu: [
        page('Fit', 'fit', 'Shift+1'),
        page('Zoom In', 'zoom-in', 'CmdOrCtrl+='),
        page('Zoom Out', 'zoom-out', 'CmdOrCtrl+-'),
        main('Minimap', 'toggle-minimap', 'CmdOrCtrl+M'),
        { type: 'separator' },
        {
          label: 'Theme',
          submenu: [theme('Follow System', 'system'), theme('Light', 'light'), theme('Dark', 'dark')],
        },
        ...(s.dev
          ? ([
              { type: 'separator' },
              { role: 'toggleDevTools' },
              { role: 'reload' },
            ] as MenuItemConstructorOptions[])
          : []),
      ],
    },
    {
      label: '&Lab',
      submenu: [
        main('Validate', 'validate', 'F7'),
        main('Plan', 'plan', 'F8'),
        main('Apply', 'apply', 'F9'),
        main('Status', 'status', 'F10'),
        { type: 'separator' },
        main('Destroy', 'destroy', 'CmdOrCtrl+Shift+Delete'),
      ],
    },
    {
      label: '&Help',
      submenu: [
        main('Keyboard Shortcuts', 'shortcuts', 'F1'),
        { type: 'separator' },
        { label: 'About netplumb', click: a.about },
      ],
    },
  ];
  return Menu.buildFromTemplate(template);
}
