// Recording an interview in one go: the interview (a source), the event it
// is about (an existing one or a new one), the persons it names with what
// happened to each (acts). Saved in one transaction (POST /api/v1/intake):
// all of it or nothing, and until then the draft is kept.
import { Fragment } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { api } from '../lib/api';
import { formatFuzzyDate } from '../lib/dates';
import { clean, dropDraft, focusFirstError, loadDraft, saveDraft, validate } from '../lib/forms';
import { lang, plural, t } from '../lib/i18n';
import { fieldLabel, schemaType, terms, typeLabel, type Field } from '../lib/schema';
import { can, seesSensitive, visibleLevels } from '../lib/session';
import { recordPath } from '../lib/types';
import { ApiError } from '../lib/api';
import { ErrorSummary } from '../components/ErrorSummary';
import { errorsUnder, FieldInput, FieldRow, fieldId, type Errors } from '../components/fields';
import { RefPicker } from '../components/RefPicker';
import { ConfBadge, PageTitle, errorText, titleText } from '../components/ui';
import { NotFound } from './NotFound';

type Body = Record<string, any>;

interface PersonPart {
  body: Body; // person fields
  acts: Body[]; // what happened to this person
}

interface Intake {
  source: Body;
  interviewee: string; // index of the person who gave the interview, or ""
  eventMode: 'existing' | 'new';
  eventId?: string;
  event: Body;
  otherSources: string[];
  confidentiality: string;
  people: PersonPart[];
}

const DRAFT = 'intake';
const SOURCE_FIELDS = ['title', 'date', 'language', 'reliability', 'description'];
const EVENT_FIELDS = ['title', 'start_date', 'end_date', 'place_ids', 'parent_id', 'description'];
// What is asked of every person and act; the rest is under "more".
const PERSON_FIELDS = ['names', 'sex', 'age_at_event', 'birth_date'];
const PERSON_MORE = ['occupation', 'consent_to_publication', 'notes', 'contact'];
const ACT_FIELDS = ['type', 'date', 'place_id'];
const ACT_MORE = ['consequence', 'perpetrator_organization_id', 'perpetrator_unknown', 'description'];

function pick(type: string, names: string[]): Field[] {
  const spec = schemaType(type);
  const sensitive = seesSensitive();
  return (
    names
      .map((n) => spec?.fields.find((f) => f.name === n))
      .filter(
        (f): f is Field =>
          !!f && (sensitive || !['contact', 'address', 'private_notes', 'given_by_person_id'].includes(f.name)),
      )
      // In this form the event and the victim of an act are given by where it stands.
      .map((f) => (f.name === 'title' && type === 'source' ? { ...f, required: false } : f))
  );
}

function emptyPerson(): PersonPart {
  return { body: { names: [{}] }, acts: [{}] };
}

function fresh(): Intake {
  return {
    source: {},
    interviewee: '',
    eventMode: 'existing',
    event: {},
    otherSources: [],
    confidentiality: visibleLevels().includes('restricted') ? 'restricted' : 'internal',
    people: [emptyPerson()],
  };
}

// Where each record of the request came from in the form, to put the
// server's "records[i].body.field" errors beside the right input.
type Origin = { prefix: string };

interface Built {
  records: { key?: string; type: string; body: Body }[];
  origins: Origin[];
}

function personName(p: PersonPart, i: number): string {
  return p.body.names?.[0]?.value?.trim() || t('intake.person_n', { n: i + 1 });
}

function build(state: Intake): Built {
  const records: Built['records'] = [];
  const origins: Origin[] = [];
  const level = state.confidentiality;
  const cited = [{ source_id: '@src' }, ...state.otherSources.map((id) => ({ source_id: id }))];
  // The interview names who gave it (a later record: the server resolves
  // keys across the whole request).
  const source: Body = { ...clean(state.source), kind: 'interview', confidentiality: level };
  if (!source.title) {
    const who =
      state.interviewee !== '' ? personName(state.people[Number(state.interviewee)], Number(state.interviewee)) : '';
    const date = formatFuzzyDate(state.source.date);
    source.title = (
      who ? t('intake.default_title', { who, date }) : t('intake.default_title_nobody', { date })
    ).replace(/[,\s]+$/, '');
  }
  if (state.interviewee !== '' && seesSensitive()) source.given_by_person_id = '@p' + state.interviewee;
  records.push({ key: 'src', type: 'source', body: source });
  origins.push({ prefix: 'source' });
  state.people.forEach((p, i) => {
    records.push({ key: 'p' + i, type: 'person', body: { ...clean(p.body), sources: cited, confidentiality: level } });
    origins.push({ prefix: `people[${i}]` });
  });
  let eventRef = state.eventId ?? '';
  if (state.eventMode === 'new') {
    records.push({ key: 'ev', type: 'event', body: { ...clean(state.event), sources: cited } });
    origins.push({ prefix: 'event' });
    eventRef = '@ev';
  }
  state.people.forEach((p, i) => {
    p.acts.forEach((act, j) => {
      records.push({
        type: 'act',
        body: {
          ...clean(act),
          event_id: eventRef || undefined,
          victim_person_id: '@p' + i,
          sources: cited,
          confidentiality: level,
        },
      });
      origins.push({ prefix: `people[${i}].acts[${j}]` });
    });
  });
  return { records, origins };
}

// Fields asked for every person or act, and the rest folded under "more"
// (open when one of them is filled in or in error).
function FieldGroup(props: {
  type: string;
  fields: Field[];
  more: Field[];
  moreLabel: string;
  prefix: string;
  value: Body;
  errors: Errors;
  onChange: (name: string, value: any) => void;
}) {
  const { type, fields, more, moreLabel, prefix, value, errors, onChange } = props;
  const input = (f: Field) => (
    <FieldInput
      key={f.name}
      type={type}
      field={f}
      path={prefix + '.' + f.name}
      value={value[f.name]}
      onChange={(v) => onChange(f.name, v)}
      errors={errors}
    />
  );
  const open = more.some((f) => value[f.name] !== undefined || errorsUnder(errors, prefix + '.' + f.name));
  return (
    <>
      {fields.map(input)}
      {more.length > 0 && (
        <details class="more" open={open}>
          <summary>{moreLabel}</summary>
          <div class="more-fields">{more.map(input)}</div>
        </details>
      )}
    </>
  );
}

export function IntakePage() {
  if (!can('records:write') || !schemaType('act')) return <NotFound />;
  return <IntakeForm />;
}

function IntakeForm() {
  const [state, setState] = useState<Intake>(() => loadDraft<Intake>(DRAFT) ?? fresh());
  const [restored, setRestored] = useState(() => !!loadDraft(DRAFT));
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [done, setDone] = useState<
    { id: string; type: string; title: string; confidentiality: string; victim?: string }[] | null
  >(null);
  const fields = useMemo(
    () => ({
      source: pick('source', SOURCE_FIELDS),
      event: pick('event', EVENT_FIELDS),
      person: pick('person', PERSON_FIELDS),
      personMore: pick('person', PERSON_MORE),
      act: pick('act', ACT_FIELDS),
      actMore: pick('act', ACT_MORE),
    }),
    [],
  );

  const change = (fn: (s: Intake) => Intake) => {
    setState((s) => {
      const next = fn(s);
      saveDraft(DRAFT, next);
      return next;
    });
  };
  const setIn = (part: 'source' | 'event', name: string, v: any) =>
    change((s) => {
      const body = { ...s[part] };
      if (v === undefined) delete body[name];
      else body[name] = v;
      return { ...s, [part]: body };
    });
  const setPerson = (i: number, fn: (p: PersonPart) => PersonPart) =>
    change((s) => ({ ...s, people: s.people.map((p, k) => (k === i ? fn(p) : p)) }));

  const labelOf = (path: string) => {
    const m = /^people\[(\d+)\](?:\.acts\[(\d+)\])?\.(.+)$/.exec(path);
    if (m) {
      const who = personName(state.people[Number(m[1])] ?? emptyPerson(), Number(m[1]));
      const type = m[2] !== undefined ? 'act' : 'person';
      const name = m[3].replace(/\[.*$/, '').split('.')[0];
      return (
        who +
        (m[2] !== undefined ? ' › ' + t('intake.act_n', { n: Number(m[2]) + 1 }) : '') +
        ' › ' +
        fieldLabel(type, name)
      );
    }
    const [part, ...rest] = path.split('.');
    const type = part === 'source' ? 'source' : part === 'event' ? 'event' : 'act';
    return typeLabel(type, false) + ' › ' + fieldLabel(type, rest.join('.').replace(/\[.*$/, '') || part);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (saving) return;
    setGeneral(null);
    // Checks in the browser first, all at once.
    const found: Errors = {};
    validate(fields.source, clean(state.source), 'source', found);
    if (state.eventMode === 'new') validate(fields.event, clean(state.event), 'event', found);
    else if (!state.eventId) found['eventId'] = t('msg.required');
    state.people.forEach((p, i) => {
      validate([...fields.person, ...fields.personMore], clean(p.body), `people[${i}]`, found);
      p.acts.forEach((a, j) =>
        validate([...fields.act, ...fields.actMore], clean(a), `people[${i}].acts[${j}]`, found),
      );
    });
    if (Object.keys(found).length) {
      setErrors(found);
      focusFirstError();
      return;
    }
    const { records, origins } = build(state);
    setSaving(true);
    try {
      const answer = await api<{ records: { id: string; type: string; title: string; confidentiality: string }[] }>(
        'POST',
        '/intake',
        { records },
      );
      dropDraft(DRAFT);
      // An act is named with its victim, as the form showed it.
      setDone(
        answer.records.map((r, i) => {
          const m = /^people\[(\d+)\]\.acts/.exec(origins[i]?.prefix ?? '');
          if (r.type !== 'act' || !m) return r;
          const who = Number(m[1]);
          return { ...r, victim: personName(state.people[who], who) };
        }),
      );
      setErrors({});
    } catch (err) {
      const m = err instanceof ApiError && err.field ? /^records\[(\d+)\]\.body\.?(.*)$/.exec(err.field) : null;
      if (m && origins[Number(m[1])]) {
        const origin = origins[Number(m[1])];
        let field = m[2];
        // References the form sets itself point at what the user chose.
        if (field === 'event_id') {
          setErrors({ eventId: err instanceof ApiError ? err.message : '' });
        } else if (field.startsWith('sources')) {
          setErrors({ otherSources: (err as ApiError).message });
        } else {
          if (!field) field = origin.prefix === 'source' ? 'title' : 'names';
          setErrors({ [origin.prefix + '.' + field]: (err as ApiError).message });
        }
      } else {
        setErrors({});
        setGeneral(t('form.not_saved') + ' ' + errorText(err));
      }
      focusFirstError();
    } finally {
      setSaving(false);
    }
  };

  if (done) {
    return (
      <div>
        <PageTitle>{t('intake.saved_title')}</PageTitle>
        <p role="status">{t('intake.saved_text', { n: plural('n.records', done.length) })}</p>
        <ul class="saved-list">
          {done.map((r) => (
            <li key={r.id}>
              <span class="muted">{typeLabel(r.type, false)}:</span>{' '}
              <a href={recordPath(r.type, r.id)}>
                {titleText({ ...r, deleted: false })}
                {r.victim ? ' — ' + r.victim : ''}
              </a>{' '}
              <ConfBadge level={r.confidentiality} />
            </li>
          ))}
        </ul>
        <button
          type="button"
          class="primary"
          onClick={() => {
            setState(fresh());
            setDone(null);
            setRestored(false);
          }}
        >
          {t('intake.another')}
        </button>
      </div>
    );
  }

  const levelOptions = terms('confidentiality').filter((o) => visibleLevels().includes(o.code));
  return (
    <div class="intake">
      <PageTitle>{t('intake.title')}</PageTitle>
      <p class="muted">{t('intake.intro')}</p>
      {restored && (
        <div class="notice" role="status">
          {t('form.draft_restored')}{' '}
          <button
            type="button"
            class="link-button"
            onClick={() => {
              dropDraft(DRAFT);
              setState(fresh());
              setRestored(false);
              setErrors({});
            }}
          >
            {t('form.discard_draft')}
          </button>
        </div>
      )}
      <ErrorSummary errors={errors} general={general} label={labelOf} />
      <form class="record-form" onSubmit={submit} noValidate>
        <fieldset class="section">
          <legend>{t('intake.interview')}</legend>
          {fields.source.map((f, k) => (
            <Fragment key={f.name}>
              <FieldInput
                type="source"
                field={f}
                path={'source.' + f.name}
                value={state.source[f.name]}
                onChange={(v) => setIn('source', f.name, v)}
                errors={errors}
              />
              {k === 0 && <p class="hint title-hint">{t('intake.title_hint')}</p>}
            </Fragment>
          ))}
          {seesSensitive() && (
            <FieldRow id={fieldId('interviewee')} label={t('intake.interviewee')} hint={t('intake.interviewee_hint')}>
              <select
                id={fieldId('interviewee')}
                aria-describedby={fieldId('interviewee') + '-hint'}
                value={state.interviewee}
                onChange={(e) => change((s) => ({ ...s, interviewee: (e.target as HTMLSelectElement).value }))}
              >
                <option value="">{t('intake.interviewee_none')}</option>
                {state.people.map((p, i) => (
                  <option key={i} value={String(i)}>
                    {personName(p, i)}
                  </option>
                ))}
              </select>
            </FieldRow>
          )}
          <FieldRow
            id={fieldId('confidentiality')}
            label={t('intake.confidentiality')}
            hint={t('intake.confidentiality_hint')}
          >
            <select
              id={fieldId('confidentiality')}
              aria-describedby={fieldId('confidentiality') + '-hint'}
              value={state.confidentiality}
              onChange={(e) => change((s) => ({ ...s, confidentiality: (e.target as HTMLSelectElement).value }))}
            >
              {levelOptions.map((o) => (
                <option key={o.code} value={o.code}>
                  {o.labels[lang()] ?? o.labels.en}
                </option>
              ))}
            </select>
          </FieldRow>
        </fieldset>

        <fieldset class="section">
          <legend>{typeLabel('event', false)}</legend>
          <div class="radio-row" role="radiogroup" aria-label={typeLabel('event', false)}>
            <label>
              <input
                type="radio"
                name="event-mode"
                checked={state.eventMode === 'existing'}
                onChange={() => change((s) => ({ ...s, eventMode: 'existing' }))}
              />{' '}
              {t('intake.event_existing')}
            </label>
            <label>
              <input
                type="radio"
                name="event-mode"
                checked={state.eventMode === 'new'}
                onChange={() => change((s) => ({ ...s, eventMode: 'new' }))}
              />{' '}
              {t('intake.event_new')}
            </label>
          </div>
          {state.eventMode === 'existing' ? (
            <FieldRow id={fieldId('eventId')} label={typeLabel('event', false)} required error={errors.eventId}>
              <RefPicker
                id={fieldId('eventId')}
                types={['event']}
                value={state.eventId}
                onChange={(v) => change((s) => ({ ...s, eventId: v as string | undefined }))}
                invalid={!!errors.eventId}
                describedBy={errors.eventId ? fieldId('eventId') + '-error' : undefined}
              />
            </FieldRow>
          ) : (
            fields.event.map((f) => (
              <FieldInput
                key={f.name}
                type="event"
                field={f}
                path={'event.' + f.name}
                value={state.event[f.name]}
                onChange={(v) => setIn('event', f.name, v)}
                errors={errors}
              />
            ))
          )}
          <FieldRow
            id={fieldId('otherSources')}
            label={t('intake.other_sources')}
            hint={t('intake.other_sources_hint')}
            error={errors.otherSources}
          >
            <RefPicker
              id={fieldId('otherSources')}
              types={['source']}
              multiple
              value={state.otherSources}
              onChange={(v) => change((s) => ({ ...s, otherSources: (v as string[]) ?? [] }))}
              describedBy={fieldId('otherSources') + '-hint'}
            />
          </FieldRow>
        </fieldset>

        {state.people.map((p, i) => (
          <fieldset class="section person-section" key={i}>
            <legend>
              {t('intake.person_n', { n: i + 1 })}
              {p.body.names?.[0]?.value ? ': ' + p.body.names[0].value : ''}
            </legend>
            {state.people.length > 1 && (
              <button
                type="button"
                class="link-button remove-person"
                onClick={() => change((s) => ({ ...s, people: s.people.filter((_, k) => k !== i), interviewee: '' }))}
              >
                {t('intake.remove_person', { name: personName(p, i) })}
              </button>
            )}
            <FieldGroup
              type="person"
              fields={fields.person}
              more={fields.personMore}
              moreLabel={t('intake.more_person')}
              prefix={`people[${i}]`}
              value={p.body}
              errors={errors}
              onChange={(name, v) =>
                setPerson(i, (x) => {
                  const body = { ...x.body };
                  if (v === undefined) delete body[name];
                  else body[name] = v;
                  return { ...x, body };
                })
              }
            />
            <h3 class="acts-title">{t('intake.what_happened', { name: personName(p, i) })}</h3>
            {p.acts.map((act, j) => (
              <div class="list-item" key={j}>
                <div class="list-item-head">
                  <span class="list-item-title">{t('intake.act_n', { n: j + 1 })}</span>
                  <button
                    type="button"
                    class="link-button"
                    onClick={() => setPerson(i, (x) => ({ ...x, acts: x.acts.filter((_, k) => k !== j) }))}
                    aria-label={t('form.remove_item', {
                      item: personName(p, i) + ' — ' + t('intake.act_n', { n: j + 1 }),
                    })}
                  >
                    {t('form.remove')}
                  </button>
                </div>
                <FieldGroup
                  type="act"
                  fields={fields.act}
                  more={fields.actMore}
                  moreLabel={t('intake.more_act')}
                  prefix={`people[${i}].acts[${j}]`}
                  value={act}
                  errors={errors}
                  onChange={(name, v) =>
                    setPerson(i, (x) => ({
                      ...x,
                      acts: x.acts.map((a, k) => {
                        if (k !== j) return a;
                        const next = { ...a };
                        if (v === undefined) delete next[name];
                        else next[name] = v;
                        return next;
                      }),
                    }))
                  }
                />
              </div>
            ))}
            <button
              type="button"
              class="secondary"
              onClick={() => setPerson(i, (x) => ({ ...x, acts: [...x.acts, {}] }))}
            >
              + {t('intake.add_act')}
            </button>
          </fieldset>
        ))}
        <p>
          <button
            type="button"
            class="secondary"
            onClick={() => change((s) => ({ ...s, people: [...s.people, emptyPerson()] }))}
          >
            + {t('intake.add_person')}
          </button>
        </p>
        <div class="form-actions">
          <button type="submit" class="primary" disabled={saving}>
            {saving ? t('form.saving') : t('intake.save')}
          </button>
        </div>
      </form>
    </div>
  );
}
