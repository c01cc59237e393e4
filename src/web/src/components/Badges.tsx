import { qualityOf, type StateInfo } from '../states';

export function StateBadge({ state, stale }: { state: StateInfo | undefined; stale?: boolean }) {
  if (!state) return <span className="state state-unknown">No state</span>;
  const cls = stale ? 'state-stale' : `state-${state.severity}`;
  return (
    <span className={`state ${cls}`} data-state={state.label}>
      <svg width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
        {state.severity === 'alarm' ? (
          <path d="M5 0.5 9.5 9.5H0.5z" fill="currentColor" />
        ) : state.severity === 'warning' ? (
          <rect x="1" y="1" width="8" height="8" transform="rotate(45 5 5)" fill="currentColor" />
        ) : (
          <circle
            cx="5"
            cy="5"
            r="4"
            fill={state.active ? 'currentColor' : 'none'}
            stroke="currentColor"
            strokeWidth="1.5"
          />
        )}
      </svg>
      {state.label}
    </span>
  );
}

/** Quality from the OPC UA StatusCode (Part 4, 7.39): text plus shape, never colour alone. */
export function QualityBadge({ statusCode, status }: { statusCode: number; status: string }) {
  const q = qualityOf(statusCode);
  return (
    <span
      className={`quality quality-${q.toLowerCase()}`}
      title={`StatusCode 0x${(statusCode >>> 0).toString(16).padStart(8, '0')}`}
    >
      {q === 'Good' ? '' : q === 'Uncertain' ? '? ' : '✕ '}
      {status}
    </span>
  );
}
