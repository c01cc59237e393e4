import { type ReactNode, useEffect, useState } from 'react';
import { clock, zoneName } from './format';
import { useLinkStatus } from './live';
import { AuditPage } from './pages/Audit';
import { CatalogPage } from './pages/Catalog';
import { CertificatesPage } from './pages/Certificates';
import { ConnectionsPage } from './pages/Connections';
import { DeliveryPage } from './pages/Delivery';
import { HealthPage } from './pages/Health';
import { KpiPage } from './pages/Kpi';
import { MachinePage } from './pages/Machine';
import { MaintenancePage } from './pages/Maintenance';
import { OverviewPage } from './pages/Overview';
import { TagsPage } from './pages/Tags';
import { UsersPage } from './pages/Users';
import { usePlant } from './plant';
import { type Route, useRoute } from './router';
import { type Role, roleAtLeast, UserMenu, useSession } from './session';

/**
 * The page registry: the navigation shell is built from it. A later capability (KPIs, maintenance,
 * alarms, governance) adds one entry with its icon and component; nothing else changes.
 */
export interface PageDef {
  page: string;
  title: string;
  /** Shown in the side navigation (pages reached by drill-down, like a machine, are not). */
  nav: boolean;
  icon?: ReactNode;
  /** Which navigation entry is highlighted while this page is open. */
  navParent?: string;
  /** Least role that may open the page (the hub refuses its routes to lower roles anyway). */
  minRole?: Role;
  render(route: Route): ReactNode;
}

const icon = (d: string) => (
  <svg viewBox="0 0 20 20" width="20" height="20" aria-hidden="true" focusable="false">
    <path d={d} fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" strokeLinecap="round" />
  </svg>
);

export const PAGES: PageDef[] = [
  {
    page: 'overview',
    title: 'Plant overview',
    nav: true,
    icon: icon('M3 3h6v6H3zM11 3h6v6h-6zM3 11h6v6H3zM11 11h6v6h-6z'),
    render: (r) => <OverviewPage focus={r.rest} />,
  },
  {
    page: 'machine',
    title: 'Machine',
    nav: false,
    navParent: 'overview',
    render: (r) => <MachinePage path={r.rest} />,
  },
  {
    page: 'kpi',
    title: 'KPIs',
    nav: true,
    icon: icon('M3 17V9h3v8M8.5 17V5h3v12M14 17v-6h3v6M2 17h16'),
    render: (r) => <KpiPage route={r} />,
  },
  {
    page: 'health',
    title: 'Machine health',
    nav: true,
    icon: icon('M2 10h4l2-5 4 10 2-5h4'),
    render: (r) => <HealthPage route={r} />,
  },
  {
    page: 'maintenance',
    title: 'Maintenance',
    nav: true,
    icon: icon('M3 4h14v13H3zM3 8h14M7 2v4M13 2v4M6 11h3v3H6z'),
    render: (r) => <MaintenancePage route={r} />,
  },
  {
    page: 'tags',
    title: 'Tag explorer',
    nav: true,
    icon: icon('M3 5h14M3 10h14M3 15h9M15 13.5a2.5 2.5 0 1 0 0 .01M16.8 15.8 18.5 17.5'),
    render: () => <TagsPage />,
  },
  {
    page: 'connections',
    title: 'Connections',
    nav: true,
    icon: icon('M4 7h5v6H4zM11 7h5v6h-5zM9 10h2M6.5 7V4M13.5 13v3'),
    render: () => <ConnectionsPage />,
  },
  {
    page: 'catalog',
    title: 'Data catalog',
    nav: true,
    icon: icon('M4 3h9l3 3v11H4zM7 8h6M7 11h6M7 14h4'),
    render: () => <CatalogPage />,
  },
  {
    page: 'certificates',
    title: 'Certificates',
    nav: true,
    minRole: 'engineer',
    icon: icon('M4 4h12v9H4zM7 7h6M7 10h3M12 13l-1 4 2-1 2 1-1-4'),
    render: () => <CertificatesPage />,
  },
  {
    page: 'audit',
    title: 'Audit log',
    nav: true,
    minRole: 'admin',
    icon: icon('M5 3h10v14H5zM8 7h4M8 10h4M8 13h2M3 6h2M3 10h2M3 14h2'),
    render: () => <AuditPage />,
  },
  {
    page: 'delivery',
    title: 'Delivery',
    nav: true,
    icon: icon('M2 6l8 4 8-4M2 6v8l8 4 8-4V6l-8-4zM10 10v8'),
    render: () => <DeliveryPage />,
  },
  {
    page: 'users',
    title: 'Users and tokens',
    nav: true,
    minRole: 'admin',
    icon: icon('M7 8a3 3 0 1 0 0-.01M2 17c0-3 2.2-5 5-5s5 2 5 5M13 6a2.5 2.5 0 1 0 0-.01M14 11c2.2 0 4 1.7 4 4.5'),
    render: () => <UsersPage />,
  },
];

export function App() {
  const route = useRoute();
  const { principal } = useSession();
  const allowed = (p: PageDef) => p.minRole === undefined || roleAtLeast(principal.role, p.minRole);
  const def = PAGES.find((p) => p.page === route.page);
  const active = def?.navParent ?? def?.page;
  useEffect(() => {
    document.title = `${def?.title ?? 'Not found'} · Gotthard`;
  }, [def]);
  return (
    <div className="shell">
      <button type="button" className="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <TopBar />
      <nav className="sidenav" aria-label="Main">
        <ul>
          {PAGES.filter((p) => p.nav && allowed(p)).map((p) => (
            <li key={p.page}>
              <a href={`#/${p.page}`} aria-current={active === p.page ? 'page' : undefined} title={p.title}>
                {p.icon}
                <span className="label">{p.title}</span>
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <LinkBanner />
        {def ? allowed(def) ? def.render(route) : <NotAllowed def={def} role={principal.role} /> : <NotFound />}
      </main>
    </div>
  );
}

function NotAllowed({ def, role }: { def: PageDef; role: Role }) {
  return (
    <section className="page" data-testid="not-allowed">
      <h1>{def.title}</h1>
      <p>
        This page needs the {def.minRole} role; you are signed in as {role}. Ask an administrator.
      </p>
    </section>
  );
}

function NotFound() {
  return (
    <section className="page">
      <h1>Page not found</h1>
      <p>
        There is no page at <code>{location.hash}</code>. <a href="#/overview">Go to the plant overview</a>.
      </p>
    </section>
  );
}

const ZONES = [
  'UTC',
  'Europe/Zurich',
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'America/Chicago',
  'Asia/Shanghai',
  'Asia/Tokyo',
];

function TopBar() {
  const plant = usePlant();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const link = useLinkStatus();
  const h = plant.health;
  const down = h?.sources.filter((s) => s.state !== 'connected').length ?? 0;
  const zones = [...new Set([...plant.sites.map((s) => s.timezone), plant.tz, ...ZONES])];
  const siteName = plant.sites[0]?.name ?? plant.tree?.name;
  return (
    <header className="topbar">
      <a className="brand" href="#/overview">
        <svg viewBox="0 0 16 16" width="18" height="18" aria-hidden="true">
          <path d="M1 14h14L8 3z" fill="currentColor" />
        </svg>
        Gotthard
      </a>
      {siteName && <span className="site">{siteName}</span>}
      <span className="spacer" />
      <span
        className={`pill ${link.state === 'open' ? '' : 'pill-alarm'}`}
        role="status"
        aria-live="polite"
        data-testid="link-state"
        data-state={link.state}
      >
        <span className={`dot ${link.state === 'open' ? 'dot-ok' : 'dot-bad'}`} aria-hidden="true" />
        {link.state === 'open' ? 'Live' : link.state === 'connecting' ? 'Reconnecting…' : 'Offline'}
      </span>
      {h && (
        <a
          className={`pill ${down > 0 ? 'pill-warn' : ''}`}
          href="#/connections"
          title={`${h.sources.length} connection(s), ${down} not connected`}
        >
          {down > 0 ? `${down} of ${h.sources.length} connections down` : `${h.sources.length} connected`}
          <span className="muted"> · {h.ingest.valuesPerSecond.toLocaleString('en-US')} values/s</span>
        </a>
      )}
      <label className="tz">
        <span className="clock" title="Plant time">
          {clock(now, plant.tz)} <span className="muted">{zoneName(now, plant.tz)}</span>
        </span>
        <select
          aria-label="Time zone for all times shown"
          value={plant.tz}
          onChange={(e) => plant.setTz(e.target.value)}
        >
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </label>
      <UserMenu />
    </header>
  );
}

function LinkBanner() {
  const link = useLinkStatus();
  const plant = usePlant();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (link.state === 'open') return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [link.state]);
  if (link.state === 'open' && plant.reachable) return null;
  const since = link.downSince ? Math.round((now - link.downSince) / 1000) : 0;
  return (
    <div className="banner banner-alarm" role="alert" data-testid="offline-banner">
      <strong>No live connection to the hub</strong> — values on this page are frozen
      {since > 0 ? ` for ${since} s` : ''}. Reconnecting automatically…
    </div>
  );
}
