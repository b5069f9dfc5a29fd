// Interface language: English, Russian and Kyrgyz dictionaries, one file
// each under src/i18n/. English is built in; the others load on demand.
import { en, type Dict } from '../i18n/en';
import { createStore, useStore } from './store';

export type Lang = 'en' | 'ru' | 'ky';
export const LANGS: { code: Lang; name: string }[] = [
  { code: 'en', name: 'English' },
  { code: 'ru', name: 'Русский' },
  { code: 'ky', name: 'Кыргызча' },
];

const loaders: Record<Lang, () => Promise<Dict>> = {
  en: async () => en,
  ru: async () => (await import('../i18n/ru')).ru,
  ky: async () => (await import('../i18n/ky')).ky,
};

const STORAGE_KEY = 'kuzot.lang';
let dict: Dict = en;
export const langStore = createStore<Lang>('en');

function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'ru' || saved === 'ky') return saved;
  for (const l of navigator.languages ?? []) {
    const code = l.slice(0, 2);
    if (code === 'ru' || code === 'ky') return code;
  }
  return 'en';
}

export async function setLang(lang: Lang) {
  // Remember the choice at once: a page change while the dictionary loads
  // must not lose it.
  localStorage.setItem(STORAGE_KEY, lang);
  dict = await loaders[lang]();
  document.documentElement.lang = lang;
  langStore.set(lang);
}

export function initLang(): Promise<void> {
  return setLang(initialLang());
}

export type Key = keyof Dict;

// The text for `key` in the current language (English when missing), with
// {name} placeholders filled from `params`.
export function t(key: Key, params?: Record<string, string | number>): string {
  let text: string = dict[key] ?? en[key] ?? key;
  if (params) {
    for (const [k, v] of Object.entries(params)) text = text.split('{' + k + '}').join(String(v));
  }
  return text;
}

// Like t() for keys built at run time (field and type names); `fallback`
// when no dictionary has the key.
export function tOr(key: string, fallback: string): string {
  return (dict as Record<string, string>)[key] ?? (en as Record<string, string>)[key] ?? fallback;
}

export function lang(): Lang {
  return langStore.get();
}

export function useLang(): Lang {
  return useStore(langStore);
}

// "1 record", "5 records": plural forms by Intl.PluralRules; the dictionary
// holds "key.one", "key.few", "key.many", "key.other" as the language needs.
export function plural(key: string, n: number): string {
  const form = new Intl.PluralRules(lang()).select(n);
  const text = tOr(key + '.' + form, tOr(key + '.other', key));
  return text.split('{n}').join(formatNumber(n));
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(lang()).format(n);
}
