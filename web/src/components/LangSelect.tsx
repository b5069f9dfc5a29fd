// The interface language: English, Русский, Кыргызча.
import { LANGS, setLang, t, useLang, type Lang } from '../lib/i18n';

export function LangSelect({ id }: { id: string }) {
  const current = useLang();
  return (
    <div class="lang-select">
      <label for={id}>{t('nav.language')}</label>
      <select id={id} value={current} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}>
        {LANGS.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </div>
  );
}
