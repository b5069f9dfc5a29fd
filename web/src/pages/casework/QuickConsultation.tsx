// A consultation in a few seconds: the lawyer sees dozens of people a day.
// One short form; only the problem category is required. "Save and next"
// keeps the lawyer, channel and date for the next person, clears the rest
// and puts the cursor back on the name. Today's consultations are listed
// below with a link each (a consultation becomes a case from its page).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, get } from '../../lib/api';
import { clean, dropDraft, focusFirstError, loadDraft, saveDraft, serverErrors } from '../../lib/forms';
import { lang, t } from '../../lib/i18n';
import type { RouteProps } from '../../lib/router';
import { fieldLabel, terms } from '../../lib/schema';
import { can, seesSensitive } from '../../lib/session';
import { recordPath, recordTitle } from '../../lib/types';
import { ErrorSummary } from '../../components/ErrorSummary';
import { CodeChecks, FieldRow, type Errors } from '../../components/fields';
import { RefPicker } from '../../components/RefPicker';
import { Empty, ErrorBox, PageTitle } from '../../components/ui';
import { NotFound } from '../NotFound';
import { today } from './common';

const DRAFT = 'consultation:quick';
const STICKY = 'kuzot.consultation.sticky'; // lawyer and channel, kept between days

type Body = Record<string, any>;

function fresh(): Body {
  let sticky: Body = {};
  try {
    sticky = JSON.parse(localStorage.getItem(STICKY) ?? '{}');
  } catch {
    sticky = {};
  }
  return { date: today(), ...sticky };
}

export function QuickConsultation(_: RouteProps) {
  if (!can('records:write')) return <NotFound />;
  return <QuickForm />;
}

function QuickForm() {
  const [body, setBody] = useState<Body>(() => loadDraft<Body>(DRAFT) ?? fresh());
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [done, setDone] = useState<any[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const first = useRef<HTMLInputElement>(null);

  // Today's consultations, newest first: what was recorded already.
  const reload = () =>
    get('/consultations', { date: today(), sort: '-id', limit: 50 }).then((page) => setDone(page.items), setLoadError);
  useEffect(() => {
    reload();
  }, []);

  const set = (name: string, value: any) => {
    if (errors[name]) {
      const rest = { ...errors };
      delete rest[name];
      setErrors(rest);
    }
    setBody((b) => {
      const next = { ...b };
      if (value === undefined || value === '') delete next[name];
      else next[name] = value;
      saveDraft(DRAFT, next);
      return next;
    });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (saving) return;
    const payload = clean(body) ?? {};
    if (!payload.problem_category) {
      setErrors({ problem_category: t('msg.required') });
      focusFirstError();
      return;
    }
    setSaving(true);
    setGeneral(null);
    try {
      await api('POST', '/consultations', payload);
      dropDraft(DRAFT);
      const sticky: Body = {};
      for (const k of ['lawyer_id', 'channel']) if (payload[k]) sticky[k] = payload[k];
      localStorage.setItem(STICKY, JSON.stringify(sticky));
      setBody({ date: payload.date, ...sticky });
      setErrors({});
      await reload();
      first.current?.focus();
    } catch (error) {
      const byField = serverErrors(error);
      setErrors(byField);
      if (!Object.keys(byField).length) setGeneral(t('form.not_saved') + ' ' + String((error as Error).message));
      focusFirstError();
    } finally {
      setSaving(false);
    }
  };

  const input = (name: string, type = 'text', short = false, focus = false) => (
    <FieldRow id={'f-' + name} label={fieldLabel('consultation', name)} error={errors[name]} short={short}>
      <input
        id={'f-' + name}
        type={type}
        ref={focus ? first : undefined}
        autoFocus={focus}
        value={body[name] ?? ''}
        onInput={(e) => set(name, (e.target as HTMLInputElement).value)}
      />
    </FieldRow>
  );
  const select = (name: string, vocabulary: string, required = false) => (
    <FieldRow id={'f-' + name} label={fieldLabel('consultation', name)} required={required} error={errors[name]} short>
      <select
        id={'f-' + name}
        value={body[name] ?? ''}
        aria-invalid={errors[name] ? true : undefined}
        onChange={(e) => set(name, (e.target as HTMLSelectElement).value)}
      >
        <option value="">—</option>
        {terms(vocabulary).map((o) => (
          <option key={o.code} value={o.code}>
            {o.labels[lang()] ?? o.labels.en}
          </option>
        ))}
      </select>
    </FieldRow>
  );
  const text = (name: string, rows = 2) => (
    <div class="wide">
      <FieldRow id={'f-' + name} label={fieldLabel('consultation', name)} error={errors[name]}>
        <textarea
          id={'f-' + name}
          rows={rows}
          value={body[name] ?? ''}
          onInput={(e) => set(name, (e.target as HTMLTextAreaElement).value)}
        />
      </FieldRow>
    </div>
  );
  return (
    <div>
      <PageTitle sub={<a href="/consultations">{t('cw.consult.all')}</a>}>{t('cw.consult.title')}</PageTitle>
      <ErrorSummary errors={errors} general={general} label={(p) => fieldLabel('consultation', p)} />
      <form class="quick-form" onSubmit={submit} noValidate>
        {input('date', 'date', true)}
        {input('client_name', 'text', false, true)}
        {select('client_sex', 'sex')}
        {select('age_group', 'age_group')}
        {seesSensitive() && input('client_contact')}
        <FieldRow id="f-place_id" label={fieldLabel('consultation', 'place_id')} error={errors.place_id}>
          <RefPicker id="f-place_id" types={['place']} value={body.place_id} onChange={(v) => set('place_id', v)} />
        </FieldRow>
        {select('problem_category', 'problem_category', true)}
        {select('channel', 'consultation_channel')}
        <div class="wide">
          <CodeChecks
            legend={fieldLabel('consultation', 'vulnerable_groups')}
            vocabulary="affected_group"
            value={body.vulnerable_groups}
            onChange={(v) => set('vulnerable_groups', v)}
          />
        </div>
        {text('problem')}
        {text('advice_given')}
        {text('referral', 1)}
        {input('follow_up_date', 'date', true)}
        <FieldRow id="f-lawyer_id" label={fieldLabel('consultation', 'lawyer_id')} error={errors.lawyer_id}>
          <RefPicker id="f-lawyer_id" types={['person']} value={body.lawyer_id} onChange={(v) => set('lawyer_id', v)} />
        </FieldRow>
        <div class="form-actions wide">
          <button type="submit" class="primary" disabled={saving}>
            {saving ? t('form.saving') : t('cw.consult.save_next')}
          </button>
        </div>
      </form>
      <section aria-labelledby="today-title">
        <h2 id="today-title">{t('cw.consult.today', { n: done.length })}</h2>
        <ErrorBox error={loadError} />
        {done.length === 0 ? (
          <Empty>{t('list.none')}</Empty>
        ) : (
          <ol class="recent today-list">
            {done.map((c) => (
              <li key={c.id}>
                <a href={recordPath('consultation', c.id)}>{recordTitle('consultation', c)}</a>
                {c.case_id && <span class="muted small"> · {t('cw.consult.is_case')}</span>}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
