/** Constants Forge's Vite plugin defines in the main build (see forge.config.ts). */
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;
