/** Static routes of a namespace or router: one row per route. */
import type { Route } from '../../shared/model';
import { editorStore } from '../store/editor';
import { NumberField, TextField, type Path } from './fields';

/** Edits `routes` of node `nodeId`; `path` is ['nodes', index, 'routes']. */
export function RoutesEditor({ nodeId, routes, path }: { nodeId: string; routes: Route[]; path: Path }) {
  const set = (next: Route[], key?: string) =>
    editorStore.getState().updateNode(nodeId, { routes: next }, key);
  const patch = (i: number, p: Partial<Route>, key: string) =>
    set(
      routes.map((r, j) => (j === i ? clean({ ...r, ...p }) : r)),
      `route${i}:${key}`,
    );
  return (
    <div className="np-group">
      <div className="np-group__title">Routes</div>
      {routes.length === 0 && <div className="np-field__hint">No static routes.</div>}
      {routes.map((r, i) => (
        <fieldset key={i} className="np-route">
          <legend>Route {i + 1}</legend>
          <TextField
            label="Destination"
            path={[...path, i, 'to']}
            value={r.to}
            onChange={(v) => patch(i, { to: v ?? '' }, 'to')}
            placeholder="10.1.0.0/24 or default"
          />
          <TextField
            label="Via"
            path={[...path, i, 'via']}
            value={r.via}
            optional
            onChange={(v) => patch(i, { via: v }, 'via')}
            placeholder="next hop, e.g. 10.0.0.254"
          />
          <TextField
            label="Device"
            path={[...path, i, 'dev']}
            value={r.dev}
            optional
            onChange={(v) => patch(i, { dev: v }, 'dev')}
            placeholder="e.g. eth0"
          />
          <NumberField
            label="Metric"
            path={[...path, i, 'metric']}
            value={r.metric}
            min={0}
            step={1}
            onChange={(v) => patch(i, { metric: v }, 'metric')}
          />
          <button
            type="button"
            className="np-btn np-btn--small"
            onClick={() => set(routes.filter((_, j) => j !== i))}
          >
            Remove route {i + 1}
          </button>
        </fieldset>
      ))}
      <button type="button" className="np-btn np-btn--small" onClick={() => set([...routes, { to: '' }])}>
        Add route
      </button>
    </div>
  );
}

function clean(r: Route): Route {
  const out = { ...r };
  for (const k of Object.keys(out) as (keyof Route)[]) if (out[k] === undefined) delete out[k];
  return out;
}
