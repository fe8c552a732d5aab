/**
 * forge.config.ts: the packaged app's Fuses and build entries are what the
 * security checklist says (a typo in a fuse name would silently leave it on).
 */
import { FuseV1Options } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import config from '../../forge.config';

describe('forge.config', () => {
  it('flips every fuse the checklist asks for', () => {
    const fuses = config.plugins?.find((p) => (p as { name?: string }).name === 'fuses') as unknown as {
      fusesConfig: Record<string, unknown>;
    };
    expect(fuses).toBeDefined();
    expect(fuses.fusesConfig[FuseV1Options.RunAsNode]).toBe(false);
    expect(fuses.fusesConfig[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(fuses.fusesConfig[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(fuses.fusesConfig[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(fuses.fusesConfig[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(fuses.fusesConfig[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(fuses.fusesConfig[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
    expect(fuses.fusesConfig[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]).toBe(false);
  });

  it('sets every fuse this Electron knows explicitly (a new fuse is a decision, not a default)', () => {
    const fuses = config.plugins?.find((p) => (p as { name?: string }).name === 'fuses') as unknown as {
      fusesConfig: Record<string, unknown>;
    };
    const known = Object.values(FuseV1Options).filter((v): v is number => typeof v === 'number');
    expect(
      known.filter((f) => typeof fuses.fusesConfig[f] !== 'boolean').map((f) => FuseV1Options[f]),
    ).toEqual([]);
  });

  it('builds main, preload and the page, packs into an asar, makes zip, deb and rpm', () => {
    const vite = config.plugins?.find((p) => (p as { name?: string }).name === 'vite') as unknown as {
      config: { build: { entry: string; target: string }[]; renderer: { config: string }[] };
    };
    expect(vite.config.build.map((b) => [b.entry, b.target])).toEqual([
      ['electron/main/index.ts', 'main'],
      ['electron/preload/index.ts', 'preload'],
    ]);
    expect(vite.config.renderer.map((r) => r.config)).toEqual(['renderer/vite.config.ts']);
    expect(config.packagerConfig?.asar).toBe(true);
    expect(config.makers?.map((m) => (m as { name?: string }).name).sort()).toEqual(['deb', 'rpm', 'zip']);
  });
});
