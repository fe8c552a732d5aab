/**
 * Labelled Inspector fields. Each one shows the validation problems whose
 * path starts with the field's path, right under it, as you type.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { editorStore, useEditor } from '../store/editor';
import type { Problem } from '../../shared/validate/problem';

export type Path = (string | number)[];

/** Problems under a path (or exactly at it). */
export function useProblemsAt(path: Path, exact = false): Problem[] {
  const key = path.join('\u0000');
  const problems = useEditor((s) => s.problems);
  return useMemo(() => {
    const p = key.split('\u0000');
    return problems.filter(
      (x) =>
        x.path.length >= p.length &&
        p.every((seg, i) => String(x.path[i]) === seg) &&
        (!exact || x.path.length === p.length),
    );
  }, [problems, key, exact]);
}

function FieldProblems({ id, problems }: { id: string; problems: Problem[] }) {
  if (!problems.length) return null;
  return (
    <div id={id} className="np-field__problems" aria-live="polite">
      {problems.map((p, i) => (
        <div key={i} className={`np-field__problem is-${p.severity}`}>
          {p.message}
        </div>
      ))}
    </div>
  );
}

interface Base {
  label: string;
  path: Path;
  hint?: string;
}

const endEdit = () => editorStore.getState().endEdit();

/** Whether any of a field's problems is an error (warnings do not make it invalid). */
const hasError = (problems: Problem[]) => problems.some((p) => p.severity === 'error');

/** A field's input: invalid on an error, described by its problem list (FieldShell draws it) while there is one. */
function problemAria(id: string, problems: Problem[]) {
  return {
    'aria-invalid': hasError(problems) || undefined,
    'aria-describedby': problems.length ? `${id}-problems` : undefined,
  };
}

function FieldShell({
  id,
  label,
  hint,
  problems,
  children,
  inline,
}: {
  id: string;
  label: string;
  hint?: string;
  problems: Problem[];
  children: React.ReactNode;
  inline?: boolean;
}) {
  return (
    <div className={`np-field${inline ? ' np-field--inline' : ''}${hasError(problems) ? ' has-error' : ''}`}>
      {inline ? children : null}
      <label htmlFor={id}>{label}</label>
      {inline ? null : children}
      {hint && <div className="np-field__hint">{hint}</div>}
      <FieldProblems id={`${id}-problems`} problems={problems} />
    </div>
  );
}

/** A text input. Empty text means "not set" when `optional`. */
export function TextField({
  label,
  path,
  hint,
  value,
  onChange,
  optional,
  placeholder,
  focusSeq,
  multiline,
}: Base & {
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  optional?: boolean;
  placeholder?: string;
  focusSeq?: number;
  multiline?: boolean;
}) {
  const id = useId();
  const problems = useProblemsAt(path);
  const ref = useFocus(focusSeq);
  const props = {
    id,
    ref,
    value: value ?? '',
    placeholder,
    spellCheck: false,
    ...problemAria(id, problems),
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      onChange(optional && e.target.value === '' ? undefined : e.target.value),
    onBlur: endEdit,
  };
  return (
    <FieldShell id={id} label={label} hint={hint} problems={problems}>
      {multiline ? <textarea rows={3} {...props} /> : <input type="text" autoComplete="off" {...props} />}
    </FieldShell>
  );
}

/** The last focus request a field carried out (so a request is honoured once, even across remounts). */
let handledFocusSeq = 0;

function useFocus(seq: number | undefined) {
  const [el, setEl] = useState<HTMLInputElement | HTMLTextAreaElement | null>(null);
  useEffect(() => {
    if (seq && el && seq > handledFocusSeq) {
      handledFocusSeq = seq;
      el.focus();
      el.select();
    }
  }, [seq, el]);
  return setEl as (el: HTMLInputElement | HTMLTextAreaElement | null) => void;
}

/** A number input; empty means "not set". */
export function NumberField({
  label,
  path,
  hint,
  value,
  onChange,
  min,
  max,
  step,
}: Base & {
  value: number | undefined;
  onChange: (v: number | undefined) => void;
  min?: number;
  max?: number;
  step?: number;
}) {
  const id = useId();
  const problems = useProblemsAt(path);
  return (
    <FieldShell id={id} label={label} hint={hint} problems={problems}>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={min}
        max={max}
        step={step ?? 'any'}
        value={value ?? ''}
        {...problemAria(id, problems)}
        onChange={(e) =>
          onChange(
            e.target.value === '' || Number.isNaN(e.target.valueAsNumber)
              ? undefined
              : e.target.valueAsNumber,
          )
        }
        onBlur={endEdit}
      />
    </FieldShell>
  );
}

/** A list typed as text (comma or space separated), e.g. addresses or VLAN ids. */
export function ListField<T extends string | number>({
  label,
  path,
  hint,
  value,
  onChange,
  parse,
  placeholder,
}: Base & {
  value: readonly T[];
  onChange: (v: T[]) => void;
  parse: (s: string) => T;
  placeholder?: string;
}) {
  const id = useId();
  const problems = useProblemsAt(path);
  const joined = value.join(', ');
  const [text, setText] = useState(joined);
  const [seen, setSeen] = useState(joined);
  // The document changed from elsewhere (undo, another field): show it.
  if (joined !== seen) {
    setSeen(joined);
    const mine = split(text).map(parse).join(', ');
    if (mine !== joined) setText(joined);
  }
  return (
    <FieldShell id={id} label={label} hint={hint} problems={problems}>
      <input
        id={id}
        type="text"
        autoComplete="off"
        spellCheck={false}
        value={text}
        placeholder={placeholder}
        {...problemAria(id, problems)}
        onChange={(e) => {
          setText(e.target.value);
          const next = split(e.target.value).map(parse);
          setSeen(next.join(', '));
          onChange(next);
        }}
        onBlur={endEdit}
      />
    </FieldShell>
  );
}

function split(s: string): string[] {
  return s.split(/[\s,]+/).filter(Boolean);
}

/** A checkbox. */
export function CheckField({
  label,
  path,
  hint,
  value,
  onChange,
  disabled,
}: Base & { value: boolean; onChange: (v: boolean) => void; disabled?: boolean }) {
  const id = useId();
  const problems = useProblemsAt(path);
  return (
    <FieldShell id={id} label={label} hint={hint} problems={problems} inline>
      <input
        id={id}
        type="checkbox"
        checked={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.checked)}
      />
    </FieldShell>
  );
}

/** A select box. */
export function SelectField({
  label,
  path,
  hint,
  value,
  onChange,
  options,
}: Base & { value: string; onChange: (v: string) => void; options: { value: string; label: string }[] }) {
  const id = useId();
  const problems = useProblemsAt(path);
  return (
    <FieldShell id={id} label={label} hint={hint} problems={problems}>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** Parses a VLAN id typed by the user (kept as typed when not a number, so the validator can say why). */
export function parseVlan(s: string): number {
  return Number(s);
}
