// Every page of the application by address. A new page is one line here
// (and its words in src/i18n/*.ts); pages that only some users open are
// loaded on demand.
import type { Route } from './lib/router';
import { lazy } from './components/Lazy';
import { Dashboard } from './pages/Dashboard';
import { EditPage } from './pages/EditPage';
import { ListPage } from './pages/ListPage';
import { RecordPage } from './pages/RecordPage';
import { SearchPage } from './pages/SearchPage';

const casework = {
  deadlines: lazy(() => import('./pages/casework/DeadlinesPage').then((m) => m.DeadlinesPage)),
  consultation: lazy(() => import('./pages/casework/QuickConsultation').then((m) => m.QuickConsultation)),
  counts: lazy(() => import('./pages/casework/ConsultationCounts').then((m) => m.ConsultationCounts)),
  recommendations: lazy(() =>
    import('./pages/casework/RecommendationDashboard').then((m) => m.RecommendationDashboard),
  ),
};
const settings = lazy(() => import('./pages/SettingsPage').then((m) => m.SettingsPage));

export const ROUTES: Route[] = [
  { path: '/', component: Dashboard },
  { path: '/search', component: SearchPage },
  { path: '/intake', component: lazy(() => import('./pages/IntakePage').then((m) => m.IntakePage)) },
  { path: '/map', component: lazy(() => import('./pages/MapPage').then((m) => m.MapPage)) },
  { path: '/stats', component: lazy(() => import('./pages/StatsPage').then((m) => m.StatsPage)) },
  { path: '/linkage', component: lazy(() => import('./pages/ReviewPage').then((m) => m.ReviewPage)) },
  { path: '/settings', component: settings },
  { path: '/settings/:section', component: settings },
  { path: '/deadlines', component: casework.deadlines },
  { path: '/consultations/quick', component: casework.consultation },
  { path: '/consultations/counts', component: casework.counts },
  { path: '/recommendations/dashboard', component: casework.recommendations },
  { path: '/:plural', component: ListPage },
  { path: '/:plural/new', component: EditPage },
  { path: '/:plural/:id', component: RecordPage },
  { path: '/:plural/:id/edit', component: EditPage },
];

// The main menu: [address, dictionary key].
export const NAV: [string, string][] = [
  ['/', 'nav.dashboard'],
  ['/events', 'types.event'],
  ['/acts', 'types.act'],
  ['/persons', 'types.person'],
  ['/places', 'types.place'],
  ['/sources', 'types.source'],
  ['/claims', 'types.claim'],
  ['/organizations', 'types.organization'],
  ['/legal-qualifications', 'types.legal_qualification'],
  ['/cases', 'types.case'],
  ['/deadlines', 'cw.deadlines.nav'],
  ['/consultations', 'types.consultation'],
  ['/recommendations/dashboard', 'types.recommendation'],
  ['/statements', 'types.statement'],
  ['/missions', 'types.mission'],
  ['/submissions', 'types.submission'],
  ['/map', 'nav.map'],
  ['/stats', 'nav.stats'],
];
