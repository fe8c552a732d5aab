/** Entry point of the page. */
import { z } from 'zod';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles/app.css';
import { App } from './app/App';
import { restorePrefs } from './app/theme';

// Why: the CSP forbids eval; tell zod not to try compiling validators with new Function.
z.config({ jitless: true });
restorePrefs();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
