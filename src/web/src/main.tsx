import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { link } from './live';
import { PlantProvider } from './plant';
import { SessionGate } from './session';
import './styles.css';

// The live link starts once signed in: the hub refuses the WebSocket to anyone else.
let linkStarted = false;
const startLink = () => {
  if (linkStarted) return;
  linkStarted = true;
  link.start();
};
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <SessionGate onSignedIn={startLink}>
        <PlantProvider>
          <App />
        </PlantProvider>
      </SessionGate>
    </StrictMode>,
  );
}
