import { render } from 'preact';
import './styles.css';
import { App } from './app';
import { initLang } from './lib/i18n';
import { installLinkHandler } from './lib/router';

installLinkHandler();
initLang().finally(() => render(<App />, document.getElementById('app')!));
