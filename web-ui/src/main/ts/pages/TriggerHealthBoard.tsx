import { request } from '../api';
import { Empty, ProblemBanner, useLoad } from '../components';
import { Link } from '../router';
import { figures, source, worstFirst, type TriggerHealth } from '../triggerHealth';
import './triggerHealth.css';

const TYPE_LABELS: Record<string, string> = { kafka: 'Kafka', cdc: 'CDC', poll: 'Poll', schedule: 'Schedule', webhook: 'Webhook' };

/** The dashboard's "Trigger health" section: one row per enabled recipe with an event or time trigger. */
export default function TriggerHealthBoard() {
  const loaded = useLoad((signal) => request<TriggerHealth[]>('/api/v1/triggers', { signal }), 'triggers', 10_000);
  const rows = loaded.data ? worstFirst(loaded.data) : [];
  const now = Date.now();
  const counts = { failing: 0, lagging: 0, starting: 0, ok: 0 };
  rows.forEach((r) => counts[r.state]++);
  return (
    <div className="card trigger-health" data-testid="trigger-health">
      <div className="trigger-health-head">
        <h2>Trigger health</h2>
        {rows.length ? (
          <span className="muted">
            {(['failing', 'lagging', 'starting', 'ok'] as const)
              .filter((s) => counts[s])
              .map((s) => `${counts[s]} ${s}`)
              .join(' · ')}
          </span>
        ) : null}
      </div>
      <ProblemBanner error={loaded.error} />
      {loaded.data && rows.length === 0 ? <Empty title="No enabled recipe listens to a trigger">Webhook, Kafka, CDC, poll and schedule recipes show here with their lag.</Empty> : null}
      {rows.length ? (
        <table className="grid">
          <thead>
            <tr>
              <th>Recipe</th>
              <th>Trigger</th>
              <th>State</th>
              <th>Figures</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((h) => {
              const [main, ...rest] = figures(h, now);
              return (
                <tr key={h.recipe} data-recipe={h.recipe}>
                  <td>
                    <Link href={`/recipes/${encodeURIComponent(h.recipe)}`}>{h.recipe}</Link>
                    {h.name && h.name !== h.recipe ? <div className="muted trigger-source">{h.name}</div> : null}
                  </td>
                  <td>
                    {h.type ? TYPE_LABELS[h.type] ?? h.type : '—'}
                    <div className="muted trigger-source">{source(h)}</div>
                  </td>
                  <td>
                    <span className={`badge trigger-${h.state}`} data-testid="trigger-state" title={h.detail}>
                      {h.state}
                    </span>
                  </td>
                  <td className="trigger-figures">
                    {main ? <strong>{main}</strong> : null}
                    {rest.length ? <span className="muted"> · {rest.join(' · ')}</span> : null}
                    {h.state === 'failing' || h.state === 'starting' ? (h.detail ? <div className={h.state === 'failing' ? 'trigger-why' : 'muted'}>{h.detail}</div> : null) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
