/**
 * Export: the drawing in another format (shell script, containerlab, Mermaid,
 * SVG, YAML, JSON) or as a PNG picture, downloaded by the browser. Every
 * format comes from shared/formats, the same code as `netplumb export`.
 */
import { useState } from 'react';
import { FORMATS, toSvg } from '../../shared/formats';
import { editorStore } from '../store/editor';
import { toast, useUi } from '../store/ui-store';
import { Dialog } from './Dialog';

const EXPORTS = FORMATS.filter((f) => f.export);

function download(blob: Blob, name: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Rasterises the topology's SVG picture at twice its size. */
async function pngOf(svg: string): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the picture could not be drawn'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, img.naturalWidth * 2);
    canvas.height = Math.max(1, img.naturalHeight * 2);
    const g = canvas.getContext('2d');
    if (!g) throw new Error('no 2D canvas');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The Export dialog. */
export function ExportDialog() {
  const close = () => useUi.getState().set({ dialog: null });
  const [busy, setBusy] = useState(false);
  const doc = editorStore.getState().doc;
  const base = (editorStore.getState().fileName ?? doc.name ?? 'lab')
    .replace(/^.*[\\/]/, '')
    .replace(/\.(clab\.)?(ya?ml|json)$/i, '');

  const run = async (id: string) => {
    setBusy(true);
    try {
      if (id === 'png') {
        download(await pngOf(toSvg(doc)), `${base}.png`);
      } else {
        const f = EXPORTS.find((x) => x.id === id)!;
        const ext = f.extensions[0].startsWith('.') ? f.extensions[0] : '.txt';
        const name = `${base}${ext}`;
        const r = f.export!(doc, { fileName: name, source: editorStore.getState().fileName ?? undefined });
        download(new Blob([r.text], { type: f.mediaType }), name);
        const warnings = r.problems.filter((p) => p.severity === 'warning').length;
        if (warnings)
          toast(
            `${name}: ${warnings} thing${warnings === 1 ? '' : 's'} could not be expressed in ${f.label} (${r.problems.map((p) => p.message).join('; ')})`,
            'error',
          );
      }
      toast(
        `Exported ${id === 'png' ? 'PNG picture' : EXPORTS.find((x) => x.id === id)!.label} (downloaded)`,
      );
      close();
    } catch (e) {
      toast(`Export failed: ${(e as Error).message}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Export" onClose={close}>
      <p>
        Download the drawing in another format. The shell script builds the lab with iproute2 alone and
        carries netplumb's ownership marks.
      </p>
      <ul className="np-export-list" aria-label="Export formats">
        {EXPORTS.map((f) => (
          <li key={f.id}>
            <button type="button" className="np-btn" disabled={busy} onClick={() => void run(f.id)}>
              {f.label}
            </button>{' '}
            <span className="np-muted">{f.extensions.join(', ')}</span>
          </li>
        ))}
        <li>
          <button type="button" className="np-btn" disabled={busy} onClick={() => void run('png')}>
            PNG picture
          </button>{' '}
          <span className="np-muted">.png</span>
        </li>
      </ul>
    </Dialog>
  );
}
