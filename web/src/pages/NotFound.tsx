// The same page whether a record never existed or the user may not see it.
import { t } from '../lib/i18n';
import { PageTitle } from '../components/ui';

export function NotFound() {
  return (
    <div>
      <PageTitle>{t('notfound.title')}</PageTitle>
      <p>{t('notfound.text')}</p>
      <p>
        <a href="/">{t('nav.dashboard')}</a>
      </p>
    </div>
  );
}
