// One record: its fields, the records it names and that name it, its
// sources, and every revision with who changed what and when.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, get } from '../lib/api';
import { formatFuzzyDate, formatTimestamp } from '../lib/dates';
import { t, tOr } from '../lib/i18n';
import type { RouteProps } from '../lib/router';
import { fieldLabel, schemaType, typeLabel, type Field } from '../lib/schema';
import { can } from '../lib/session';
import { forgetTitle, referencedIds, rememberTitle, useTitles, type TitleInfo } from '../lib/titles';
import { recordPath, recordTitle, typeUi } from '../lib/types';
import { EventFigures } from '../components/EventFigures';
import { FieldValue } from '../components/FieldValue';
import { History } from '../components/History';
import { lazyPart } from '../components/Lazy';
import { ConfBadge, ErrorBox, Loading, PageTitle, RecordLink } from '../components/ui';
import { formFields } from './EditPage';
import { NotFound } from './NotFound';

// Evidence files: on the record pages they can be linked from, loaded with
// the first such page (not on the first page of the application).
const EvidencePanel = lazyPart(() => import('../components/EvidencePanel').then((m) => m.EvidencePanel));
const EVIDENCE_ON = ['event', 'act', 'person', 'source'];
// An evidence record's own page shows its file the same way.
const EvidenceFile = lazyPart(() => import('../components/EvidencePanel').then((m) => m.EvidenceFile));

interface Link {
  id: string;
  type: string;
  field: string;
  title: string;
  confidentiality: string;
  deleted: boolean;
}

// What a record of `type` may be added from this one: "add an act" to an
// event, "add a claim" to an event, and so on.
const ADD_FROM: Record<string, { type: string; field: string }[]> = {
  event: [
    { type: 'act', field: 'event_id' },
    { type: 'claim', field: 'event_id' },
    { type: 'event', field: 'parent_id' },
  ],
  person: [{ type: 'act', field: 'victim_person_id' }],
  place: [{ type: 'place', field: 'parent_id' }],
  source: [{ type: 'claim', field: 'source_id' }],
};

// Casework records (pages/casework/RecordExtras, loaded with the first of
// them) show these fields as tables and actions of their own.
const EXTRA_FIELDS: Record<string, string[]> = {
  case: ['proceedings', 'hearings', 'deadlines', 'decisions', 'remedies', 'status_log'],
  consultation: [],
  statement: ['signatories'],
  submission: ['sent'],
};
type ExtrasProps = { type: string; record: any; titles: Map<string, TitleInfo | null>; onChanged: () => void };
let extras: ComponentType<ExtrasProps> | null = null;
function Extras(props: ExtrasProps) {
  const [component, setComponent] = useState(() => extras);
  useEffect(() => {
    if (!component) {
      import('./casework/RecordExtras').then((m) => {
        extras = m.RecordExtras;
        setComponent(() => m.RecordExtras);
      });
    }
  }, []);
  const C = component;
  return C ? <C {...props} /> : null;
}

export function RecordPage({ params, query }: RouteProps) {
  const ui = typeUi(params.plural);
  if (!ui || !schemaType(ui.name)) return <NotFound />;
  return <RecordView key={params.id} type={ui.name} plural={ui.plural} id={params.id} saved={query.has('saved')} />;
}

function RecordView({ type, plural, id, saved }: { type: string; plural: string; id: string; saved: boolean }) {
  const [record, setRecord] = useState<any>(null);
  const [links, setLinks] = useState<{ references: Link[]; referenced_by: Link[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);
  const own = EXTRA_FIELDS[type] ?? [];
  const fields = formFields(type).filter(
    (f) => f.name !== 'confidentiality' && f.name !== 'sources' && !own.includes(f.name),
  );
  const spec = schemaType(type)!;

  useEffect(() => {
    setError(null);
    Promise.all([get(`/${plural}/${id}`), get(`/${plural}/${id}/links`)])
      .then(([r, l]) => {
        setRecord(r);
        setLinks(l);
        // The titles of linked records come with the links: no more requests.
        [...l.references, ...l.referenced_by].forEach((x: Link) => rememberTitle(x));
      })
      .catch(setError);
  }, [id, reload]);

  const ids = record ? referencedIds(record, spec.fields) : [];
  const titles = useTitles(ids);

  if (error) return (error as any).status === 404 ? <NotFound /> : <ErrorBox error={error} />;
  if (!record || !links) return <Loading />;

  const title = recordTitle(type, record, (rid) => titles.get(rid)?.title);
  const setDeleted = async (deleted: boolean) => {
    if (deleted && !confirm(t('record.confirm_delete'))) return;
    setBusy(true);
    try {
      await api(deleted ? 'DELETE' : 'POST', `/${plural}/${id}${deleted ? '' : '/restore'}`);
      forgetTitle(id);
      setReload((n) => n + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const groups = new Map<string, Link[]>();
  for (const link of links.referenced_by) {
    const key = link.type + '.' + link.field;
    groups.set(key, [...(groups.get(key) ?? []), link]);
  }
  const level = record.confidentiality;
  return (
    <article class={'record-page' + (level === 'restricted' || level === 'secret' ? ' record-' + level : '')}>
      <PageTitle sub={<span class="muted">{typeLabel(type, false)}</span>}>
        {title} <ConfBadge level={level} />
      </PageTitle>
      {saved && (
        <p class="notice" role="status">
          {t('record.saved')}
        </p>
      )}
      {record.deleted && (
        <p class="notice warn" role="status">
          {t('record.deleted')}
        </p>
      )}
      {(level === 'restricted' || level === 'secret') && (
        <p class={'conf-banner conf-' + level}>{tOr('record.banner_' + level, '')}</p>
      )}
      <div class="record-actions">
        {can('records:write') && !record.deleted && (
          <a class="button primary" href={recordPath(type, id) + '/edit'}>
            {t('record.edit')}
          </a>
        )}
        {can('records:write') &&
          !record.deleted &&
          (ADD_FROM[type] ?? []).map((a) => (
            <a class="button secondary" key={a.type + a.field} href={`/${typeUi(a.type)!.plural}/new?${a.field}=${id}`}>
              {t('record.add', { type: typeLabel(a.type, false).toLowerCase() })}
            </a>
          ))}
        {can('records:delete') && (
          <button type="button" class="secondary danger" disabled={busy} onClick={() => setDeleted(!record.deleted)}>
            {record.deleted ? t('record.restore') : t('record.delete')}
          </button>
        )}
      </div>

      <dl class="fields">
        {fields.map((f) =>
          record[f.name] === undefined ? null : (
            <div class="field-view" key={f.name}>
              <dt>{fieldLabel(type, f)}</dt>
              <dd>
                <FieldValue type={type} field={f} value={record[f.name]} titles={titles} />
              </dd>
            </div>
          ),
        )}
      </dl>

      {type === 'event' && <EventFigures eventId={id} />}
      {EXTRA_FIELDS[type] && (
        <Extras type={type} record={record} titles={titles} onChanged={() => setReload((n) => n + 1)} />
      )}

      {type === 'evidence' && <EvidenceFile evidence={record} />}

      {EVIDENCE_ON.includes(type) && (
        <EvidencePanel
          type={type}
          id={id}
          level={level}
          deleted={!!record.deleted}
          linkedIds={links.referenced_by.filter((l) => l.type === 'evidence' && !l.deleted).map((l) => l.id)}
        />
      )}

      <section aria-labelledby="sources-title">
        <h2 id="sources-title">{fieldLabel(type, 'sources')}</h2>
        {record.sources?.length ? (
          <FieldValue
            type={type}
            field={spec.fields.find((f) => f.name === 'sources') as Field}
            value={record.sources}
            titles={titles}
          />
        ) : (
          <p class="muted">{t('record.no_sources')}</p>
        )}
      </section>

      <section aria-labelledby="links-title">
        <h2 id="links-title">{t('record.linked')}</h2>
        {groups.size === 0 && <p class="muted">{t('record.no_links')}</p>}
        {[...groups.entries()].map(([key, list]) => {
          const [ltype, field] = key.split('.');
          return (
            <div class="link-group" key={key}>
              <h3>
                {typeLabel(ltype)}{' '}
                <span class="muted">({tOr('via.' + ltype + '.' + field, fieldLabel(ltype, field))})</span>
              </h3>
              {ltype === 'act' ? (
                <ActLinks field={field} id={id} links={list} />
              ) : (
                <ul>
                  {list.map((l) => (
                    <li key={l.id}>
                      <RecordLink info={l as TitleInfo} />
                    </li>
                  ))}
                </ul>
              )}
            </div>
          );
        })}
      </section>

      <section aria-labelledby="history-title">
        <h2 id="history-title">{t('history.title')}</h2>
        <p class="muted small">
          {t('record.created', { who: record.created_by, when: formatTimestamp(record.created_at) })}
          {record.revision > 1 &&
            ' · ' + t('record.updated', { who: record.updated_by, when: formatTimestamp(record.updated_at) })}
        </p>
        <History type={type} plural={plural} id={id} fields={spec.fields} revision={record.revision} />
      </section>
      <p>
        <a href={'/' + plural}>← {typeLabel(type)}</a>
      </p>
    </article>
  );
}

// Acts that name this record, each with its victim (or object) and date:
// one list request for the acts and one for their victims' names.
function ActLinks({ field, id, links }: { field: string; id: string; links: Link[] }) {
  const [acts, setActs] = useState<any[] | null>(null);
  useEffect(() => {
    if (links.length > 100) return;
    get<{ items: any[] }>('/acts', { [field]: id, sort: 'date', limit: 100 }).then(
      (page) => setActs(page.items),
      () => setActs(null),
    );
  }, [field, id, links.length]);
  const titles = useTitles((acts ?? []).map((a) => a.victim_person_id).filter(Boolean));
  const shown = new Map((acts ?? []).map((a) => [a.id, a]));
  return (
    <ul>
      {links.map((l) => {
        const act = shown.get(l.id);
        return (
          <li key={l.id}>
            {act ? (
              <span class="record-link">
                <a href={recordPath('act', l.id)}>
                  {recordTitle('act', act, (v) => (field === 'victim_person_id' ? undefined : titles.get(v)?.title))}
                </a>
                {act.date && <span class="muted small"> · {formatFuzzyDate(act.date)}</span>}
                {(l.confidentiality === 'restricted' || l.confidentiality === 'secret') && (
                  <ConfBadge level={l.confidentiality} />
                )}
                {l.deleted && <span class="tag-deleted">{t('record.deleted_tag')}</span>}
              </span>
            ) : (
              <RecordLink info={l as TitleInfo} />
            )}
          </li>
        );
      })}
    </ul>
  );
}
