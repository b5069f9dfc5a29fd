// Events and acts on a map (Leaflet, loaded with this page only), and the
// same places as a list below it: the list works without tiles, without a
// pointer and with a screen reader.
import { useEffect, useRef, useState } from 'preact/hooks';
import { get } from '../lib/api';
import { formatFuzzyDate } from '../lib/dates';
import { formatNumber, plural, t } from '../lib/i18n';
import { createMap, loadLeaflet } from '../lib/leaflet';
import { termLabel } from '../lib/schema';
import { recordPath } from '../lib/types';
import { ConfBadge, Empty, ErrorBox, Loading, PageTitle } from '../components/ui';

interface Item {
  id: string;
  type: string;
  title: string;
  confidentiality: string;
  start_date?: string;
  date?: string;
  act_type?: string;
}

interface Point {
  id: string;
  name: string;
  level: string;
  latitude: number;
  longitude: number;
  events: number;
  acts: number;
  items: Item[];
}

function itemText(item: Item): string {
  const what = item.type === 'act' ? termLabel('act_type', item.act_type) : item.title;
  const when = formatFuzzyDate(item.start_date ?? item.date);
  return when ? what + ' (' + when + ')' : what;
}

// The popup of a place, built as elements (never as HTML from data).
function popup(point: Point, show: { events: boolean; acts: boolean }): HTMLElement {
  const box = document.createElement('div');
  const head = document.createElement('a');
  head.href = recordPath('place', point.id);
  head.textContent = point.name;
  head.className = 'popup-title';
  box.append(head);
  const counts = document.createElement('div');
  counts.textContent = [plural('n.events', point.events), plural('n.acts', point.acts)].join(' · ');
  box.append(counts);
  const list = document.createElement('ul');
  for (const item of point.items) {
    if ((item.type === 'event' && !show.events) || (item.type === 'act' && !show.acts)) continue;
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = recordPath(item.type, item.id);
    a.textContent = itemText(item);
    li.append(a);
    list.append(li);
  }
  box.append(list);
  return box;
}

export function MapPage() {
  const [points, setPoints] = useState<Point[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [mapError, setMapError] = useState<unknown>(null);
  const [show, setShow] = useState({ events: true, acts: true });
  const element = useRef<HTMLDivElement>(null);
  const mapRef = useRef<any>(null);
  const layerRef = useRef<any>(null);

  useEffect(() => {
    get<{ places: Point[] }>('/map', { per_place: 30 }).then((m) => setPoints(m.places), setError);
  }, []);

  useEffect(() => {
    let cancelled = false;
    loadLeaflet().then((L) => {
      if (cancelled || !element.current) return;
      mapRef.current = createMap(L, element.current);
      layerRef.current = L.layerGroup().addTo(mapRef.current);
      setShow((s) => ({ ...s })); // draws the markers once the map exists
    }, setMapError);
    return () => {
      cancelled = true;
      mapRef.current?.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !points) return;
    loadLeaflet().then((L) => {
      layerRef.current.clearLayers();
      const shown = points.filter((p) => (show.events && p.events) || (show.acts && p.acts));
      for (const p of shown) {
        const n = (show.events ? p.events : 0) + (show.acts ? p.acts : 0);
        const marker = L.circleMarker([p.latitude, p.longitude], {
          radius: Math.min(6 + Math.sqrt(n) * 3, 28),
          color: show.acts && p.acts ? '#a33' : '#1f4e79',
          weight: 2,
          fillOpacity: 0.45,
        });
        marker.bindPopup(popup(p, show));
        marker.bindTooltip(p.name + ': ' + formatNumber(n));
        marker.addTo(layerRef.current);
      }
      if (shown.length)
        map.fitBounds(L.latLngBounds(shown.map((p) => [p.latitude, p.longitude] as [number, number])).pad(0.15));
    });
  }, [points, show, mapRef.current]);

  const visible = (points ?? []).filter((p) => (show.events && p.events) || (show.acts && p.acts));
  return (
    <div class="map-page">
      <PageTitle>{t('map.title')}</PageTitle>
      <div class="map-controls" role="group" aria-label={t('map.show')}>
        <label>
          <input
            type="checkbox"
            checked={show.events}
            onChange={(e) => setShow({ ...show, events: (e.target as HTMLInputElement).checked })}
          />{' '}
          {t('map.events')}
        </label>
        <label>
          <input
            type="checkbox"
            checked={show.acts}
            onChange={(e) => setShow({ ...show, acts: (e.target as HTMLInputElement).checked })}
          />{' '}
          {t('map.acts')}
        </label>
      </div>
      <ErrorBox error={error ?? mapError} />
      <div ref={element} class="map big-map" role="region" aria-label={t('map.title')} />
      <p class="hint">{t('map.hint')}</p>
      {!points && !error && <Loading />}
      {points && visible.length === 0 && <Empty>{t('map.none')}</Empty>}
      {visible.length > 0 && (
        <div class="table-wrap">
          <table class="records">
            <caption>{t('map.places')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('map.place')}</th>
                <th scope="col">{t('map.events')}</th>
                <th scope="col">{t('map.acts')}</th>
                <th scope="col">{t('map.records')}</th>
              </tr>
            </thead>
            <tbody>
              {visible.map((p) => (
                <tr key={p.id}>
                  <td>
                    <a href={recordPath('place', p.id)}>{p.name}</a>{' '}
                    <span class="muted small">{termLabel('place_level', p.level)}</span>
                  </td>
                  <td class="num">{formatNumber(p.events)}</td>
                  <td class="num">{formatNumber(p.acts)}</td>
                  <td>
                    <ul class="inline-list">
                      {p.items
                        .filter((i) => (i.type === 'event' ? show.events : show.acts))
                        .map((i) => (
                          <li key={i.id}>
                            <a href={recordPath(i.type, i.id)}>{itemText(i)}</a>
                            {(i.confidentiality === 'restricted' || i.confidentiality === 'secret') && (
                              <ConfBadge level={i.confidentiality} />
                            )}
                          </li>
                        ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
