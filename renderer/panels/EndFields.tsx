/** The fields of one link end (an interface, or a bridge port). */
import type { LinkEnd, NodeKind } from '../../shared/model';
import { editorStore } from '../store/editor';
import { useUi } from '../store/ui-store';
import { CheckField, ListField, NumberField, parseVlan, TextField, type Path } from './fields';

const str = (s: string) => s;

/** Fields for `link[end]`; `path` is ['links', index, end]. */
export function EndFields({
  linkId,
  end,
  value,
  path,
  nodeKind,
  legend,
  focusSeq,
}: {
  linkId: string;
  end: 'a' | 'b';
  value: LinkEnd;
  path: Path;
  nodeKind: NodeKind | undefined;
  legend: string;
  focusSeq?: number;
}) {
  const up = (patch: Partial<LinkEnd>, key: string) =>
    editorStore.getState().updateLinkEnd(linkId, end, patch, key);
  const netemOk = useUi((s) => s.info?.capabilities?.netem);
  const vlans = value.vlans ?? { untagged: [], tagged: [] };
  const setVlans = (patch: Partial<typeof vlans>, key: string) => {
    const next = { ...vlans, ...patch };
    up(
      { vlans: next.pvid === undefined && !next.untagged.length && !next.tagged.length ? undefined : next },
      key,
    );
  };
  const netem = value.netem ?? {};
  const setNetem = (patch: Partial<typeof netem>, key: string) => {
    const next = { ...netem, ...patch };
    up({ netem: Object.values(next).every((v) => v === undefined) ? undefined : next }, key);
  };
  const isPort = nodeKind === 'bridge';
  return (
    <fieldset className="np-end">
      <legend>{legend}</legend>
      <TextField
        label="Interface name"
        path={[...path, 'ifname']}
        value={value.ifname}
        onChange={(v) => up({ ifname: v ?? '' }, 'ifname')}
        focusSeq={focusSeq}
        hint={isPort ? 'a port of the bridge' : undefined}
      />
      {!isPort && (
        <ListField
          label="IPv4/IPv6 addresses"
          path={[...path, 'addresses']}
          value={value.addresses}
          parse={str}
          onChange={(v) => up({ addresses: v }, 'addresses')}
          placeholder="10.0.0.1/24, fd00::1/64"
        />
      )}
      <TextField
        label="MAC"
        path={[...path, 'mac']}
        value={value.mac}
        optional
        onChange={(v) => up({ mac: v }, 'mac')}
        placeholder="automatic"
      />
      <NumberField
        label="MTU"
        path={[...path, 'mtu']}
        value={value.mtu}
        min={68}
        max={65535}
        step={1}
        onChange={(v) => up({ mtu: v }, 'mtu')}
      />
      <CheckField
        label="Interface up"
        path={[...path, 'up']}
        value={value.up}
        onChange={(v) => up({ up: v }, 'up')}
      />
      {isPort && (
        <div className="np-group">
          <div className="np-group__title">VLANs (on a VLAN-filtering bridge)</div>
          <NumberField
            label="PVID"
            path={[...path, 'vlans', 'pvid']}
            value={vlans.pvid}
            min={1}
            max={4094}
            step={1}
            onChange={(v) => setVlans({ pvid: v }, 'pvid')}
          />
          <ListField
            label="Untagged VLANs"
            path={[...path, 'vlans', 'untagged']}
            value={vlans.untagged}
            parse={parseVlan}
            onChange={(v) => setVlans({ untagged: v }, 'untagged')}
            placeholder="e.g. 10"
          />
          <ListField
            label="Tagged VLANs"
            path={[...path, 'vlans', 'tagged']}
            value={vlans.tagged}
            parse={parseVlan}
            onChange={(v) => setVlans({ tagged: v }, 'tagged')}
            placeholder="e.g. 20, 30"
          />
        </div>
      )}
      <details className="np-group" open={value.netem !== undefined}>
        <summary>Link emulation (netem)</summary>
        {netemOk === false && (
          <div className="np-field__hint">
            This kernel has no netem: these settings cannot be applied here.
          </div>
        )}
        <NumberField
          label="Delay (ms)"
          path={[...path, 'netem', 'delayMs']}
          value={netem.delayMs}
          min={0}
          onChange={(v) => setNetem({ delayMs: v }, 'delay')}
        />
        <NumberField
          label="Jitter (ms)"
          path={[...path, 'netem', 'jitterMs']}
          value={netem.jitterMs}
          min={0}
          onChange={(v) => setNetem({ jitterMs: v }, 'jitter')}
        />
        <NumberField
          label="Loss (%)"
          path={[...path, 'netem', 'lossPercent']}
          value={netem.lossPercent}
          min={0}
          max={100}
          onChange={(v) => setNetem({ lossPercent: v }, 'loss')}
        />
        <NumberField
          label="Rate (kbit/s)"
          path={[...path, 'netem', 'rateKbit']}
          value={netem.rateKbit}
          min={1}
          step={1}
          onChange={(v) => setNetem({ rateKbit: v }, 'rate')}
        />
      </details>
    </fieldset>
  );
}
