import { describe, expect, it } from 'vitest';
import { loadOrder, moduleName, parseModulesDep } from './modules-dep';

// An excerpt of Debian 6.1's modules.dep (virtio + 9p), plus a made-up built-in.
const DEP = `kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko
kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_pci_modern_dev.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_pci_legacy_dev.ko:
kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_ring.ko:
kernel/net/9p/9pnet.ko:
kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko
kernel/fs/netfs/netfs.ko:
kernel/net/8021q/8021q.ko: kernel/net/802/garp.ko kernel/net/802/stp.ko kernel/net/802/mrp.ko kernel/net/llc/llc.ko
kernel/net/802/garp.ko: kernel/net/802/stp.ko kernel/net/llc/llc.ko
kernel/net/802/mrp.ko:
kernel/net/802/stp.ko: kernel/net/llc/llc.ko
kernel/net/llc/llc.ko:
kernel/drivers/net/dummy-thing.ko.xz:
`;

describe('modules.dep resolution', () => {
  it('names modules like modprobe does', () => {
    expect(moduleName('kernel/drivers/net/dummy-thing.ko.xz')).toBe('dummy_thing');
    expect(moduleName('9pnet_virtio')).toBe('9pnet_virtio');
  });

  it('loads every dependency before its user, each once', () => {
    const order = loadOrder(['virtio_pci', '9pnet_virtio', '9p'], parseModulesDep(DEP)).map(moduleName);
    expect(new Set(order).size).toBe(order.length);
    const deps = parseModulesDep(DEP);
    for (const [i, name] of order.entries()) {
      for (const d of deps.byName.get(name)!.deps)
        expect(order.indexOf(moduleName(d)), `${d} before ${name}`).toBeLessThan(i);
    }
    expect(order).toEqual(
      expect.arrayContaining([
        'virtio_ring',
        'virtio',
        'virtio_pci',
        '9pnet',
        '9pnet_virtio',
        'netfs',
        'fscache',
        '9p',
      ]),
    );
    expect(order).not.toContain('8021q');
  });

  it('skips built-in modules and resolves dashes', () => {
    const deps = parseModulesDep(DEP, 'kernel/net/llc/llc.ko\nkernel/net/802/stp.ko\n');
    expect(loadOrder(['8021q'], deps).map(moduleName)).toEqual(['garp', 'mrp', '8021q']);
    expect(loadOrder(['dummy-thing'], deps)).toEqual(['kernel/drivers/net/dummy-thing.ko.xz']);
  });

  it('names a missing module and who needed it', () => {
    const deps = parseModulesDep('kernel/a.ko: kernel/b.ko\n');
    expect(() => loadOrder(['a'], deps)).toThrow(/module b not found.*needed by a/);
    expect(() => loadOrder(['nope'], deps)).toThrow(/module nope not found/);
  });

  it('refuses a dependency cycle instead of looping', () => {
    expect(() =>
      loadOrder(['a'], parseModulesDep('kernel/a.ko: kernel/b.ko\nkernel/b.ko: kernel/a.ko\n')),
    ).toThrow(/cycle/);
  });
});
