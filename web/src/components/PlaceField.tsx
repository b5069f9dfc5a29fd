// Choosing a place: type its name (any script), or browse the gazetteer
// (country › oblast › district › village), or pick it on a map.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { t, tOr } from '../lib/i18n';
import { createMap, loadLeaflet } from '../lib/leaflet';
import { loadPlaces, placePath, placeTree, type Place, type PlaceNode } from '../lib/places';
import { termLabel } from '../lib/schema';
import { rememberTitle } from '../lib/titles';
import { RefPicker } from './RefPicker';
import { ErrorBox, Loading } from './ui';

interface Props {
  id: string;
  value: string | string[] | undefined;
  multiple?: boolean;
  onChange: (value: any) => void;
  invalid?: boolean;
  describedBy?: string;
  exclude?: string[];
}

export function PlaceField({ id, value, multiple, onChange, invalid, describedBy, exclude }: Props) {
  const [open, setOpen] = useState(false);
  const chosen = Array.isArray(value) ? value : value ? [value] : [];
  const choose = (place: Place) => {
    rememberTitle({
      id: place.id,
      type: 'place',
      title: place.name,
      confidentiality: place.confidentiality,
      deleted: false,
    });
    if (multiple) {
      if (!chosen.includes(place.id)) onChange([...chosen, place.id]);
    } else {
      onChange(place.id);
    }
    setOpen(false);
  };
  return (
    <div class="place-field">
      <RefPicker
        id={id}
        types={['place']}
        value={value}
        multiple={multiple}
        onChange={onChange}
        invalid={invalid}
        describedBy={describedBy}
        exclude={exclude}
      />
      <button type="button" class="secondary small" onClick={() => setOpen(true)} aria-haspopup="dialog">
        {t('place.browse')}
      </button>
      {open && (
        <PlaceDialog onChoose={choose} onClose={() => setOpen(false)} exclude={[...(exclude ?? []), ...chosen]} />
      )}
    </div>
  );
}

function PlaceDialog({
  onChoose,
  onClose,
  exclude,
}: {
  onChoose: (p: Place) => void;
  onClose: () => void;
  exclude: string[];
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [places, setPlaces] = useState<Place[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [filter, setFilter] = useState('');
  const [view, setView] = useState<'tree' | 'map'>('tree');
  useEffect(() => {
    ref.current?.showModal();
    loadPlaces().then(setPlaces, setError);
  }, []);
  const byId = useMemo(() => new Map((places ?? []).map((p) => [p.id, p])), [places]);
  const tree = useMemo(() => placeTree(places ?? []), [places]);
  const needle = filter.trim().toLocaleLowerCase();
  const matches = needle
    ? (places ?? [])
        .filter((p) => [p.name, ...(p.other_names ?? [])].some((n) => n.toLocaleLowerCase().includes(needle)))
        .slice(0, 50)
    : [];
  return (
    <dialog
      ref={ref}
      class="dialog place-dialog"
      aria-labelledby="place-dialog-title"
      onClose={onClose}
      onCancel={onClose}
    >
      <div class="dialog-head">
        <h2 id="place-dialog-title">{t('place.choose')}</h2>
        <button type="button" class="link-button" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
      <div class="tabs" role="group" aria-label={t('place.view')}>
        <button type="button" aria-pressed={view === 'tree'} onClick={() => setView('tree')}>
          {t('place.tree')}
        </button>
        <button type="button" aria-pressed={view === 'map'} onClick={() => setView('map')}>
          {t('place.map')}
        </button>
      </div>
      <ErrorBox error={error} />
      {!places && !error && <Loading />}
      {places && view === 'tree' && (
        <div>
          <label for="place-filter">{t('place.filter')}</label>
          <input
            id="place-filter"
            type="search"
            value={filter}
            onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
            autoComplete="off"
          />
          {needle ? (
            <ul class="place-matches">
              {matches.map((p) => (
                <li key={p.id}>
                  <button
                    type="button"
                    class="link-button"
                    disabled={exclude.includes(p.id)}
                    onClick={() => onChoose(p)}
                  >
                    {placePath(p, byId)}
                  </button>{' '}
                  <span class="muted">{termLabel('place_level', p.level)}</span>
                </li>
              ))}
              {!matches.length && <li class="muted">{t('picker.none')}</li>}
            </ul>
          ) : (
            <ul class="place-tree">
              {tree.map((node) => (
                <TreeNode key={node.place.id} node={node} onChoose={onChoose} exclude={exclude} depth={0} />
              ))}
            </ul>
          )}
        </div>
      )}
      {places && view === 'map' && <PlaceMap places={places} onChoose={onChoose} />}
    </dialog>
  );
}

function TreeNode({
  node,
  onChoose,
  exclude,
  depth,
}: {
  node: PlaceNode;
  onChoose: (p: Place) => void;
  exclude: string[];
  depth: number;
}) {
  const [expanded, setExpanded] = useState(depth < 1);
  const { place, children } = node;
  return (
    <li>
      <div class="tree-row">
        {children.length > 0 ? (
          <button
            type="button"
            class="tree-toggle"
            aria-expanded={expanded}
            aria-label={(expanded ? t('place.collapse') : t('place.expand')) + ': ' + place.name}
            onClick={() => setExpanded(!expanded)}
          >
            {expanded ? '−' : '+'}
          </button>
        ) : (
          <span class="tree-toggle" aria-hidden="true" />
        )}
        <button type="button" class="link-button" disabled={exclude.includes(place.id)} onClick={() => onChoose(place)}>
          {place.name}
        </button>
        <span class="muted small"> {termLabel('place_level', place.level)}</span>
      </div>
      {expanded && children.length > 0 && (
        <ul>
          {children.map((c) => (
            <TreeNode key={c.place.id} node={c} onChoose={onChoose} exclude={exclude} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

function PlaceMap({ places, onChoose }: { places: Place[]; onChoose: (p: Place) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let map: any;
    let cancelled = false;
    loadLeaflet().then((L) => {
      if (cancelled || !ref.current) return;
      map = createMap(L, ref.current);
      const located = places.filter((p) => typeof p.latitude === 'number' && typeof p.longitude === 'number');
      for (const p of located) {
        const marker = L.circleMarker([p.latitude!, p.longitude!], {
          radius: 7,
          color: '#1f4e79',
          weight: 2,
          fillOpacity: 0.6,
        }).addTo(map);
        const box = document.createElement('div');
        const name = document.createElement('strong');
        name.textContent = p.name;
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = t('place.choose_this');
        button.addEventListener('click', () => onChoose(p));
        box.append(name, document.createElement('br'), button);
        marker.bindPopup(box);
        marker.bindTooltip(p.name);
      }
      if (located.length)
        map.fitBounds(L.latLngBounds(located.map((p) => [p.latitude!, p.longitude!] as [number, number])).pad(0.2));
    }, setError);
    return () => {
      cancelled = true;
      map?.remove();
    };
  }, [places]);
  return (
    <div>
      <ErrorBox error={error} />
      <p class="hint">{tOr('place.map_hint', '')}</p>
      <div ref={ref} class="map small-map" role="application" aria-label={t('place.map')} />
    </div>
  );
}
