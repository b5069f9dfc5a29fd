// Creating and editing a record of any type: a form generated from the
// schema. What the server refuses is shown beside the field; what was typed
// stays in the form and in a draft until it is saved.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, get } from '../lib/api';
import { dropDraft, focusFirstError, loadDraft, saveDraft, serverErrors, validate, clean } from '../lib/forms';
import { t } from '../lib/i18n';
import { forgetPlaces } from '../lib/places';
import { navigate, type RouteProps } from '../lib/router';
import { schemaType, SENSITIVE_FIELDS, typeLabel, type Field } from '../lib/schema';
import { can, seesSensitive } from '../lib/session';
import { forgetTitle } from '../lib/titles';
import { recordPath, recordTitle, typeUi } from '../lib/types';
import { ErrorSummary, pathLabel } from '../components/ErrorSummary';
import { FieldInput, type Errors } from '../components/fields';
import { ErrorBox, Loading, PageTitle, errorText } from '../components/ui';
import { NotFound } from './NotFound';

const ENVELOPE = ['id', 'type', 'revision', 'created_at', 'created_by', 'updated_at', 'updated_by', 'deleted'];

// The fields of a type in the order its form shows them.
export function formFields(type: string): Field[] {
  const spec = schemaType(type);
  const ui = typeUi(type);
  if (!spec) return [];
  const hidden = seesSensitive() ? [] : (SENSITIVE_FIELDS[spec.name] ?? []);
  const fields = spec.fields.filter((f) => !hidden.includes(f.name) && !(ui?.hide ?? []).includes(f.name));
  const first = ui?.first ?? [];
  const rank = (f: Field) => {
    const i = first.indexOf(f.name);
    if (i >= 0) return i;
    if (f.name === 'sources') return 1000;
    if (f.name === 'confidentiality') return 1001;
    return 100 + fields.indexOf(f);
  };
  return [...fields].sort((a, b) => rank(a) - rank(b));
}

// Fields filled from the address (?event_id=...), for "add an act to this event".
function prefill(fields: Field[], query: URLSearchParams): Record<string, any> {
  const out: Record<string, any> = {};
  for (const f of fields) {
    const v = query.get(f.name);
    if (!v) continue;
    out[f.name] = f.kind === 'ref_list' ? [v] : v;
  }
  return out;
}

export function EditPage({ params, query }: RouteProps) {
  const ui = typeUi(params.plural);
  const spec = ui && schemaType(ui.name);
  if (!ui || !spec || !can('records:write')) return <NotFound />;
  return (
    <EditForm
      key={params.plural + '/' + (params.id ?? 'new')}
      type={ui.name}
      plural={ui.plural}
      id={params.id}
      query={query}
    />
  );
}

function EditForm({ type, plural, id, query }: { type: string; plural: string; id?: string; query: URLSearchParams }) {
  // Fields only the server writes (a hash, a frozen package) have no input.
  const fields = useMemo(() => formFields(type).filter((f) => f.written_by !== 'server'), [type]);
  const draftKey = plural + ':' + (id ?? 'new');
  const [body, setBody] = useState<Record<string, any> | null>(
    id ? null : () => loadDraft<Record<string, any>>(draftKey) ?? prefill(fields, query),
  );
  const [restored, setRestored] = useState(() => !id && !!loadDraft(draftKey));
  const [revision, setRevision] = useState<number | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [original, setOriginal] = useState<any>(null);
  const dirty = useRef(false);

  useEffect(() => {
    if (!id) return;
    get(`/${plural}/${id}`)
      .then((record) => {
        setOriginal(record);
        setRevision(record.revision);
        const draft = loadDraft<{ revision: number; body: Record<string, any> }>(draftKey);
        if (draft && draft.revision === record.revision) {
          setBody(draft.body);
          setRestored(true);
        } else {
          const own: Record<string, any> = {};
          for (const [k, v] of Object.entries(record)) if (!ENVELOPE.includes(k) || k === 'type') own[k] = v;
          // An act's "type" is its act type; other types' "type" is the envelope's.
          if (type !== 'act') delete own.type;
          setBody(own);
        }
      })
      .catch(setLoadError);
  }, [id]);

  const update = (name: string, value: any) => {
    setBody((b) => {
      const next = { ...(b ?? {}) };
      if (value === undefined) delete next[name];
      else next[name] = value;
      dirty.current = true;
      saveDraft(draftKey, id ? { revision, body: next } : next);
      return next;
    });
    if (errors[name]) {
      const rest = { ...errors };
      delete rest[name];
      setErrors(rest);
    }
  };

  const discardDraft = () => {
    dropDraft(draftKey);
    setRestored(false);
    if (id && original) {
      const own: Record<string, any> = {};
      for (const [k, v] of Object.entries(original))
        if (!ENVELOPE.includes(k) || (k === 'type' && type === 'act')) own[k] = v;
      setBody(own);
    } else {
      setBody(prefill(fields, query));
    }
    setErrors({});
    setGeneral(null);
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!body || saving) return;
    const payload = clean(body) ?? {};
    const found = validate(fields, payload);
    setGeneral(null);
    if (Object.keys(found).length) {
      setErrors(found);
      focusFirstError();
      return;
    }
    setSaving(true);
    try {
      const saved = id
        ? await api('PUT', `/${plural}/${id}`, { ...payload, revision })
        : await api('POST', `/${plural}`, payload);
      dropDraft(draftKey);
      forgetTitle(saved.id);
      if (type === 'place') forgetPlaces();
      navigate(recordPath(type, saved.id) + '?saved=1');
    } catch (error) {
      const byField = serverErrors(error);
      setErrors(byField);
      if (!Object.keys(byField).length) {
        if (error instanceof ApiError && error.status === 409) setGeneral(t('form.conflict') + ' ' + error.message);
        else setGeneral(t('form.not_saved') + ' ' + errorText(error));
      }
      focusFirstError();
    } finally {
      setSaving(false);
    }
  };

  if (loadError) return <ErrorBox error={loadError} />;
  if (!body) return <Loading />;
  const title = id
    ? t('form.edit_title', { type: typeLabel(type, false), title: original ? recordTitle(type, original) : '' })
    : t('form.new_title', { type: typeLabel(type, false) });
  return (
    <div class="edit-page">
      <PageTitle>{title}</PageTitle>
      {restored && (
        <div class="notice" role="status">
          {t('form.draft_restored')}{' '}
          <button type="button" class="link-button" onClick={discardDraft}>
            {t('form.discard_draft')}
          </button>
        </div>
      )}
      <ErrorSummary errors={errors} general={general} label={(p) => pathLabel(type, fields, p)} />
      <form class="record-form" onSubmit={submit} noValidate>
        {fields.map((f) => (
          <FieldInput
            key={f.name}
            type={type}
            field={f}
            path={f.name}
            value={body[f.name]}
            onChange={(v) => update(f.name, v)}
            errors={errors}
            exclude={id ? [id] : undefined}
          />
        ))}
        <p class="hint">{t('form.required_note')}</p>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={saving}>
            {saving ? t('form.saving') : t('form.save')}
          </button>
          <a href={id ? recordPath(type, id) : '/' + plural} class="button secondary">
            {t('form.cancel')}
          </a>
        </div>
      </form>
      <p class="sr-only" aria-live="polite">
        {saving ? t('form.saving') : ''}
      </p>
    </div>
  );
}
