/** Entry point of the page. */
import './zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles/app.css';
import { App } from './app/App';
import { restorePrefs } from './app/theme';
import { installKindStyles } from './canvas/kind-styles';

restorePrefs();
installKindStyles();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
