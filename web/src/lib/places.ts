// The gazetteer (every place the user may see), loaded once when a place
// picker or the map first needs it, and forgotten when places change.
import { get } from './api';

export interface Place {
  id: string;
  name: string;
  other_names?: string[];
  level?: string;
  parent_id?: string;
  latitude?: number;
  longitude?: number;
  confidentiality: string;
}

let loading: Promise<Place[]> | null = null;

export function loadPlaces(): Promise<Place[]> {
  if (!loading) {
    loading = (async () => {
      const all: Place[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 40; page++) {
        const answer: { items: Place[]; next_cursor: string | null } = await get('/places', { limit: 500, cursor });
        all.push(...answer.items);
        cursor = answer.next_cursor;
        if (!cursor) break;
      }
      return all;
    })();
    loading.catch(() => (loading = null));
  }
  return loading;
}

export function forgetPlaces() {
  loading = null;
}

export interface PlaceNode {
  place: Place;
  children: PlaceNode[];
}

// Country > oblast > district > village, each level sorted by name.
export function placeTree(places: Place[]): PlaceNode[] {
  const nodes = new Map(places.map((p) => [p.id, { place: p, children: [] as PlaceNode[] }]));
  const roots: PlaceNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.place.parent_id && nodes.get(node.place.parent_id);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const sort = (list: PlaceNode[]) => {
    list.sort((a, b) => a.place.name.localeCompare(b.place.name));
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

// "Batken oblast › Leilek district › Maksat".
export function placePath(place: Place, byId: Map<string, Place>): string {
  const names: string[] = [];
  let cursor: Place | undefined = place;
  for (let i = 0; cursor && i < 16; i++) {
    names.unshift(cursor.name);
    cursor = cursor.parent_id ? byId.get(cursor.parent_id) : undefined;
  }
  return names.join(' › ');
}
