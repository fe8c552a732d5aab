/** Source/target pickers for ping, traceroute and step mode: lab nodes, or any address for the target. */
import { isNetnsNode } from '../../../shared/model';
import { useEditor } from '../../store/editor';
import { useShallow } from 'zustand/react/shallow';

/** A select of namespace/router nodes (the ones that can send). */
export function SourcePicker({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const nodes = useEditor(
    useShallow((s) => s.doc.nodes.filter(isNetnsNode).map((n) => `${n.id}\u0000${n.name}`)),
  );
  return (
    <label className="np-live-field">
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">choose…</option>
        {nodes.map((s) => {
          const [id, name] = s.split('\u0000');
          return (
            <option key={id} value={id}>
              {name}
            </option>
          );
        })}
      </select>
    </label>
  );
}

/** A target: a node of the lab or an address typed in (the kernel side keeps it inside the lab). */
export function TargetPicker({
  label,
  value,
  onChange,
  listId,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  listId: string;
}) {
  const nodes = useEditor(useShallow((s) => s.doc.nodes.filter(isNetnsNode).map((n) => n.id)));
  return (
    <label className="np-live-field">
      {label}
      <input
        list={listId}
        value={value}
        onChange={(e) => onChange(e.target.value.trim())}
        placeholder="node or address"
        size={14}
      />
      <datalist id={listId}>
        {nodes.map((id) => (
          <option key={id} value={id} />
        ))}
      </datalist>
    </label>
  );
}
