import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import './app/app.css';

// Offline from the first visit: the service worker (src/sw/sw.ts) stores every
// file of the build when it installs. Registered first thing, before React
// renders, so a visit cut short still gets it installing. Production builds
// only: the dev server's modules are not files of a build.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch((e: unknown) => console.warn('offline support unavailable:', e));
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
