/**
 * Electron Forge: Vite builds of main, preload and the page; zip and deb
 * packages; Fuses that switch off what a shipped app must not allow.
 * `npm start` (bin/start.js) runs `electron-forge start` where the Electron
 * binary exists; `npm run make` packages.
 */
import type { ForgeConfig } from '@electron-forge/shared-types';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerZIP } from '@electron-forge/maker-zip';
import { VitePlugin } from '@electron-forge/plugin-vite';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { FuseV1Options, FuseVersion } from '@electron/fuses';

const config: ForgeConfig = {
  packagerConfig: {
    name: 'netplumb',
    executableName: 'netplumb',
    // Why asar: with OnlyLoadAppFromAsar and integrity validation (below) the
    // app's code cannot be swapped by editing files next to the binary.
    asar: true,
    // The example topologies and the polkit action ship beside the asar.
    extraResource: ['examples', 'packaging/org.netplumb.helper.policy', 'packaging/netplumb-helper'],
    appCategoryType: 'public.app-category.developer-tools',
  },
  rebuildConfig: {},
  makers: [
    new MakerZIP({}, ['linux']),
    new MakerDeb({
      options: {
        name: 'netplumb',
        bin: 'netplumb',
        productName: 'netplumb',
        genericName: 'Network lab designer',
        description: 'Draw Linux network labs (namespaces, bridges, routers, veth links) and apply them to the kernel.',
        categories: ['Development', 'Network'],
        section: 'net',
        depends: ['iproute2', 'policykit-1 | pkexec', 'nodejs (>= 20)'],
        homepage: 'https://example.invalid/netplumb',
      },
    }),
  ],
  plugins: [
    new VitePlugin({
      build: [
        { entry: 'electron/main/index.ts', config: 'vite.main.config.ts', target: 'main' },
        { entry: 'electron/preload/index.ts', config: 'vite.preload.config.ts', target: 'preload' },
      ],
      renderer: [{ name: 'main_window', config: 'renderer/vite.config.ts' }],
    }),
    // Fuses are flipped in the binary at package time, before signing.
    new FusesPlugin({
      version: FuseVersion.V1,
      // Why: ELECTRON_RUN_AS_NODE would turn the app into a plain Node
      // interpreter for anyone who can set its environment.
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      // Why: NODE_OPTIONS and --inspect would let the environment or the
      // command line inject code into the main process.
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    }),
  ],
};

export default config;
