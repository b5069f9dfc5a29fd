// Leaflet is loaded only by the pages that draw a map: it is the largest
// part of the application and the first page does without it.
import type * as Leaflet from 'leaflet';
import { bootStore } from './session';

export type L = typeof Leaflet;

let loading: Promise<L> | null = null;

export function loadLeaflet(): Promise<L> {
  if (!loading) {
    loading = Promise.all([import('leaflet'), import('leaflet/dist/leaflet.css')]).then(
      ([m]) => (m as any).default ?? m,
    );
    loading.catch(() => (loading = null));
  }
  return loading;
}

// A map in `element` centred on Kyrgyzstan, with the configured tiles
// when there are any. Without tiles (none configured, or none reachable)
// the markers still show on a plain background.
export function createMap(L: L, element: HTMLElement): Leaflet.Map {
  const map = L.map(element, { center: [41.2, 74.6], zoom: 6, keyboard: true, attributionControl: true });
  const config = bootStore.get()?.config;
  if (config?.tile_url) {
    L.tileLayer(config.tile_url, { maxZoom: 18, attribution: config.tile_attribution, crossOrigin: false }).addTo(map);
  }
  return map;
}
