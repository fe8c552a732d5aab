/**
 * Electron Forge: Vite builds of main, preload and the page; zip, deb and rpm
 * packages; Fuses that switch off what a shipped app must not allow.
 * `npm start` (bin/start.mjs) runs `electron-forge start` where the Electron
 * binary exists; `npm run make` packages.
 *
 * The deb and rpm install the app in /usr/lib/netplumb and carry the
 * privileged helper there (bundled by scripts/build.mjs, copied by
 * scripts/package-helper.ts), with the maintainer scripts in packaging/ that
 * create the netplumb group, the sudo rule and the polkit action.
 */
import type { ForgeConfig } from '@electron-forge/shared-types';
import path from 'node:path';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerRpm } from '@electron-forge/maker-rpm';
import type { MakerRpmConfigOptions } from '@electron-forge/maker-rpm/dist/Config';
import { MakerZIP } from '@electron-forge/maker-zip';
import { VitePlugin } from '@electron-forge/plugin-vite';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { copyHelperInto } from './scripts/package-helper';
import { copyContentInto } from './scripts/package-content';

/** Maintainer scripts (Forge runs from the project root). */
const script = (name: string) => path.resolve('packaging', name);
/** What the packages need besides Electron's own. */
/** What the deb and rpm makers say alike about the package. */
const PACKAGE = {
  name: 'netplumb',
  bin: 'netplumb',
  productName: 'netplumb',
  genericName: 'Network lab designer',
  description:
    'Draw Linux network labs (namespaces, bridges, routers, veth links) and apply them to the kernel.',
  categories: ['Development', 'Network'] as ('Development' | 'Network')[],
};
const DEPENDS = ['iproute2', 'nodejs (>= 20)', 'sudo', 'util-linux'];

const config: ForgeConfig = {
  packagerConfig: {
    name: 'netplumb',
    executableName: 'netplumb',
    // Why asar: with OnlyLoadAppFromAsar and integrity validation (below) the
    // app's code cannot be swapped by editing files next to the binary.
    asar: true,
    // The example topologies and the polkit action ship beside the asar (lessons and activities: the hook below).
    extraResource: ['examples', 'packaging/org.netplumb.helper.policy', 'packaging/netplumb-helper'],
    appCategoryType: 'public.app-category.developer-tools',
  },
  rebuildConfig: {},
  hooks: {
    // The helper bundle must be current before it is copied into the package.
    prePackage: async () => {
      const { build } = await import('./scripts/build.mjs');
      await build();
    },
    // buildPath is the packaged app's root, installed as /usr/lib/netplumb.
    // The lessons and the students' activity files go to resources/ beside examples/ (answer keys never: see package-content.ts).
    packageAfterExtract: async (_config, buildPath) => {
      copyHelperInto(buildPath);
      copyContentInto(buildPath);
    },
  },
  makers: [
    new MakerZIP({}, ['linux']),
    new MakerDeb({
      options: {
        ...PACKAGE,
        section: 'net',
        depends: DEPENDS,
        recommends: ['pkexec | policykit-1'],
        homepage: 'https://example.invalid/netplumb',
        scripts: { postinst: script('postinst'), prerm: script('prerm') },
      },
    }),
    new MakerRpm({
      // `scripts` is passed through to electron-installer-redhat, which reads it; Forge's type omits it.
      options: {
        ...PACKAGE,
        license: 'MIT',
        requires: ['iproute', 'nodejs >= 20', 'sudo', 'util-linux'],
        homepage: 'https://example.invalid/netplumb',
        scripts: { post: script('postinst'), preun: script('prerm') },
      } as MakerRpmConfigOptions,
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
      // Why: the page comes from the app:// protocol, never file://; file://
      // pages would otherwise keep extra privileges (e.g. fetch of any local file).
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
      // Why: a browser-process-specific V8 snapshot is a second snapshot file
      // next to the binary; the app does not use one, so none may be loaded.
      [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
    }),
  ],
};

export default config;
