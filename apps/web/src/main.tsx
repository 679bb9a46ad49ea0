import { render } from 'solid-js/web';
import { App } from './App.tsx';
import { applyTheme, savedTheme } from './theme/theme.ts';
import './styles.css';

// Before the first render, so a chosen theme never flashes the system one.
applyTheme(savedTheme());
const root = document.getElementById('root');
if (root) render(() => <App />, root);
