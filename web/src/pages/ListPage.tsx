// The records of one type: filters from the schema, sorting by a column,
// and paging. The address holds the whole query, so a filtered list can be
// bookmarked, shared and gone back to.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../lib/api';
import { formatNumber, lang, plural, t, tOr } from '../lib/i18n';
import { navigate, withQuery, type RouteProps } from '../lib/router';
import { fieldLabel, schemaType, terms, typeLabel, type Field, type RecordType } from '../lib/schema';
import { can, visibleLevels } from '../lib/session';
import { referencedIds, useTitles } from '../lib/titles';
import { recordPath, recordTitle, typeUi, type TypeUi } from '../lib/types';
import { FieldValue } from '../components/FieldValue';
import { FuzzyDateInput } from '../components/FuzzyDateInput';
import { RefPicker } from '../components/RefPicker';
import { ConfBadge, Empty, ErrorBox, Loading, PageTitle } from '../components/ui';
import { NotFound } from './NotFound';

const PAGE_SIZES = ['25', '50', '100'];

// Pages of their own a type's list leads to: [address, dictionary key].
const VIEWS: Record<string, [string, string][]> = {
  case: [['/deadlines', 'cw.deadlines.nav']],
  consultation: [
    ['/consultations/quick', 'cw.consult.title'],
    ['/consultations/counts', 'cw.counts.title'],
  ],
  recommendation: [['/recommendations/dashboard', 'cw.rec.title']],
};
const CONTROL = ['sort', 'limit', 'cursor', 'page'];

interface Page {
  items: any[];
  next_cursor: string | null;
  total?: number;
}

// Fields a list can be filtered by, with the widget each needs.
function filterFields(type: string): Field[] {
  const spec = schemaType(type);
  return (spec?.fields ?? []).filter((f) => f.filterable && f.name !== 'sources');
}

function FilterInput({
  type,
  field,
  query,
  path,
}: {
  type: string;
  field: Field;
  query: URLSearchParams;
  path: string;
}) {
  const id = 'filter-' + field.name;
  const set = (changes: Record<string, string | null>) =>
    navigate(withQuery(path, query, { ...changes, cursor: null, page: null }), true);
  const label = fieldLabel(type, field);
  switch (field.kind) {
    case 'enum':
    case 'bool': {
      // A choice among the vocabulary's terms (or yes and no).
      let options: [string, string][] =
        field.kind === 'bool'
          ? [
              ['true', t('common.yes')],
              ['false', t('common.no')],
            ]
          : terms(field.vocabulary ?? '').map((o) => [o.code, o.labels[lang()] ?? o.labels.en]);
      if (field.vocabulary === 'confidentiality') options = options.filter(([code]) => visibleLevels().includes(code));
      return (
        <div class="filter">
          <label for={id}>{label}</label>
          <select
            id={id}
            value={query.get(field.name) ?? ''}
            onChange={(e) => set({ [field.name]: (e.target as HTMLSelectElement).value })}
          >
            <option value="">{t('list.any')}</option>
            {options.map(([code, text]) => (
              <option key={code} value={code}>
                {text}
              </option>
            ))}
          </select>
        </div>
      );
    }
    case 'date':
      return (
        <div class="filter filter-wide">
          <FuzzyDateInput
            id={id + '_from'}
            legend={label + ' — ' + t('list.from')}
            value={query.get(field.name + '_from') ?? undefined}
            onChange={(v) => set({ [field.name + '_from']: v ?? null })}
          />
          <FuzzyDateInput
            id={id + '_to'}
            legend={label + ' — ' + t('list.to')}
            value={query.get(field.name + '_to') ?? undefined}
            onChange={(v) => set({ [field.name + '_to']: v ?? null })}
          />
        </div>
      );
    case 'ref':
    case 'ref_list':
      return (
        <div class="filter filter-wide">
          <label for={id}>{label}</label>
          <RefPicker
            id={id}
            types={field.ref_types ?? []}
            value={query.get(field.name) ?? undefined}
            onChange={(v) => set({ [field.name]: (v as string) ?? null })}
          />
        </div>
      );
    default:
      return (
        <div class="filter">
          <label for={id}>{label}</label>
          <input
            id={id}
            type="text"
            defaultValue={query.get(field.name) ?? ''}
            onChange={(e) => set({ [field.name]: (e.target as HTMLInputElement).value.trim() })}
          />
        </div>
      );
  }
}

// Cursors of the pages seen, by list query: "previous" goes back to them.
const cursors = new Map<string, (string | null)[]>();

export function ListPage({ params, query }: RouteProps) {
  const ui = typeUi(params.plural);
  const spec = ui && schemaType(ui.name);
  if (!ui || !spec) return <NotFound />;
  return <ListView key={ui.plural} ui={ui} spec={spec} query={query} />;
}

function ListView({ ui, spec, query }: { ui: TypeUi; spec: RecordType; query: URLSearchParams }) {
  const path = '/' + ui.plural;
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [showFilters, setShowFilters] = useState(() => [...query.keys()].some((k) => !CONTROL.includes(k)));
  const sort = query.get('sort') ?? ui.sort ?? '';
  const limit = query.get('limit') ?? '25';
  const pageNumber = Number(query.get('page') ?? '1');
  const key = query.toString();
  // The list's query without its paging: the key of its cursor stack.
  const listKey = withQuery(path, query, { cursor: null, page: null });
  const stack = cursors.get(listKey) ?? [null];
  stack[pageNumber - 1] = query.get('cursor');
  cursors.set(listKey, stack);
  const previous =
    pageNumber > 1 && stack[pageNumber - 2] !== undefined
      ? withQuery(path, query, {
          cursor: stack[pageNumber - 2],
          page: pageNumber - 1 > 1 ? String(pageNumber - 1) : null,
        })
      : pageNumber > 1
        ? listKey
        : null;

  useEffect(() => {
    setError(null);
    const q: Record<string, string> = {};
    query.forEach((v, k) => {
      if (k !== 'page') q[k] = v;
    });
    q.sort = sort;
    q.limit = limit;
    q.total = 'true';
    get<Page>(path, q).then(setPage, (e) => {
      setError(e);
      setPage(null);
    });
  }, [path, key]);

  const columns = ui.columns.map((c) => spec.fields.find((f) => f.name === c)).filter(Boolean) as Field[];
  const ids = page ? page.items.flatMap((r) => referencedIds(r, columns)) : [];
  const titles = useTitles(ids);
  const filters = filterFields(ui.name);
  const activeFilters = [...query.keys()].filter((k) => !CONTROL.includes(k)).length;
  const sortable = (f: Field) => f.filterable || f.kind === 'string';
  const titleField = spec.fields.find((f) =>
    ui.titleField ? f.name === ui.titleField : ['title', 'name'].includes(f.name),
  );

  const sortLink = (field: string) => {
    const next = sort === field ? '-' + field : field;
    return withQuery(path, query, { sort: next, cursor: null, page: null });
  };
  const sortState = (field: string): 'ascending' | 'descending' | undefined =>
    sort === field ? 'ascending' : sort === '-' + field ? 'descending' : undefined;
  const header = (label: string, field?: Field) => {
    if (!field || !sortable(field)) return <th scope="col">{label}</th>;
    const state = sortState(field.name);
    return (
      <th scope="col" aria-sort={state}>
        <a href={sortLink(field.name)} class="sort-link">
          {label}
          <span aria-hidden="true">{state === 'ascending' ? ' ▲' : state === 'descending' ? ' ▼' : ''}</span>
          <span class="sr-only">
            {' (' +
              (state === 'ascending'
                ? t('list.sorted_ascending')
                : state === 'descending'
                  ? t('list.sorted_descending')
                  : t('list.sort')) +
              ')'}
          </span>
        </a>
      </th>
    );
  };

  return (
    <div class="list-page">
      <PageTitle sub={page?.total !== undefined ? plural('n.records', page.total) : undefined}>
        {typeLabel(ui.name)}
      </PageTitle>
      <div class="list-actions">
        {can('records:write') && !ui.noForm && (
          <a class="button primary" href={path + '/new'}>
            + {t('list.new', { type: typeLabel(ui.name, false).toLowerCase() })}
          </a>
        )}
        {(VIEWS[ui.name] ?? []).map(([href, key]) => (
          <a class="button secondary" href={href} key={href}>
            {tOr(key, key)}
          </a>
        ))}
        <button
          type="button"
          class="secondary"
          aria-expanded={showFilters}
          aria-controls="filters"
          onClick={() => setShowFilters(!showFilters)}
        >
          {t('list.filters')}
          {activeFilters > 0 && ' (' + activeFilters + ')'}
        </button>
        {activeFilters > 0 && (
          <a class="button secondary" href={path}>
            {t('list.clear')}
          </a>
        )}
      </div>
      <form
        id="filters"
        class="filters"
        hidden={!showFilters}
        onSubmit={(e) => e.preventDefault()}
        aria-label={t('list.filters')}
      >
        {filters.map((f) => (
          <FilterInput key={f.name} type={ui.name} field={f} query={query} path={path} />
        ))}
        <div class="filter">
          <label for="filter-deleted">{t('list.deleted')}</label>
          <select
            id="filter-deleted"
            value={query.get('include_deleted') ?? ''}
            onChange={(e) =>
              navigate(
                withQuery(path, query, {
                  include_deleted: (e.target as HTMLSelectElement).value,
                  cursor: null,
                  page: null,
                }),
                true,
              )
            }
          >
            <option value="">{t('common.no')}</option>
            <option value="true">{t('common.yes')}</option>
          </select>
        </div>
      </form>
      <ErrorBox error={error} />
      {!page && !error && <Loading />}
      {page && page.items.length === 0 && <Empty>{activeFilters ? t('list.none_match') : t('list.none')}</Empty>}
      {page && page.items.length > 0 && (
        <div class="table-wrap">
          <table class="records">
            <thead>
              <tr>
                {header(titleField ? fieldLabel(ui.name, titleField) : t('list.record'), titleField)}
                {columns.map((c) => header(fieldLabel(ui.name, c), c))}
              </tr>
            </thead>
            <tbody>
              {page.items.map((r) => (
                <tr key={r.id} class={r.deleted ? 'deleted' : ''}>
                  <td>
                    <a href={recordPath(ui.name, r.id)}>{recordTitle(ui.name, r, (id) => titles.get(id)?.title)}</a>{' '}
                    {(r.confidentiality === 'restricted' || r.confidentiality === 'secret') && (
                      <ConfBadge level={r.confidentiality} />
                    )}
                    {r.deleted && <span class="tag-deleted">{t('record.deleted_tag')}</span>}
                  </td>
                  {columns.map((c) => (
                    <td key={c.name} data-label={fieldLabel(ui.name, c)}>
                      <FieldValue type={ui.name} field={c} value={r[c.name]} titles={titles} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page && (
        <nav class="pager" aria-label={t('list.pages')}>
          {previous && (
            <a class="button secondary" href={previous}>
              ← {pageNumber > 2 && stack[pageNumber - 2] === undefined ? t('list.first') : t('list.previous')}
            </a>
          )}
          <span class="muted">{t('list.page', { n: formatNumber(pageNumber) })}</span>
          {page.next_cursor && (
            <a
              class="button secondary"
              href={withQuery(path, query, { cursor: page.next_cursor, page: String(pageNumber + 1) })}
            >
              {t('list.next')} →
            </a>
          )}
          <label for="page-size" class="page-size">
            {t('list.per_page')}
          </label>
          <select
            id="page-size"
            value={limit}
            onChange={(e) =>
              navigate(
                withQuery(path, query, { limit: (e.target as HTMLSelectElement).value, cursor: null, page: null }),
              )
            }
          >
            {PAGE_SIZES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </nav>
      )}
    </div>
  );
}
