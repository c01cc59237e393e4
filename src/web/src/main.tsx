import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { link } from './live';
import { PlantProvider } from './plant';
import './styles.css';

link.start();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <PlantProvider>
        <App />
      </PlantProvider>
    </StrictMode>,
  );
}
