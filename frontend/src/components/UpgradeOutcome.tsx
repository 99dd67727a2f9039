import type { ReactNode } from 'react'
import { formatDuration, secondsBetween } from '../format'
import { useI18n, type MessageKey } from '../i18n'
import { DateText } from './DateText'
import { ErrorBox } from './ErrorBox'
import { dockerHealthLabel, dockerStateLabel } from './labels'
import type { Outcome, Verdict } from './upgradeOutcome'

const texts: Record<Verdict, { title: MessageKey; lead: MessageKey }> = {
  upgraded: { title: 'outcome.upgraded', lead: 'outcome.upgradedLead' },
  rolledBack: { title: 'outcome.rolledBack', lead: 'outcome.rolledBackLead' },
  rollbackFailed: { title: 'outcome.rollbackFailed', lead: 'outcome.rollbackFailedLead' },
  failedInPlace: { title: 'outcome.failedInPlace', lead: 'outcome.failedInPlaceLead' },
  failedUnchanged: { title: 'outcome.failedUnchanged', lead: 'outcome.failedUnchangedLead' },
  notStarted: { title: 'outcome.notStarted', lead: 'outcome.notStartedLead' },
  canceled: { title: 'outcome.canceled', lead: 'outcome.canceledLead' },
  running: { title: 'outcome.running', lead: 'outcome.runningLead' },
  rollbackDone: { title: 'outcome.rollbackDone', lead: 'outcome.rollbackDoneLead' },
  rollbackNotStarted: { title: 'outcome.rollbackNotStarted', lead: 'outcome.notStartedLead' },
}

export interface UpgradeOutcomeProps {
  outcome: Outcome
  /** "Last upgrade" (from the history) or this session's job. */
  fromHistory: boolean
  /** The rollback offer, when this outcome can be rolled back. */
  action?: ReactNode
  onDismiss?: () => void
}

/**
 * UpgradeOutcome is the prominent result of an upgrade or rollback. It says plainly what
 * runs now ("rolled back, service healthy"; "rollback failed, needs attention" as an
 * alert), lists the containers that were not ready, and carries the rollback offer.
 */
export function UpgradeOutcome({ outcome: o, fromHistory, action, onDismiss }: UpgradeOutcomeProps) {
  const { t } = useI18n()
  const unknown = t('common.unknown')
  const vars = { from: o.from || unknown, to: o.to || unknown, id: o.upgradeId, backup: o.backupId }
  const { title, lead } = texts[o.verdict]
  const seconds = secondsBetween(o.startedAt, o.finishedAt)
  const headingId = `outcome-${o.jobId ?? o.upgradeId}`
  return (
    <section className={`panel outcome outcome-${o.tone}`} aria-labelledby={headingId}>
      <div className="outcome-head">
        {fromHistory && <p className="outcome-kicker">{t('outcome.lastUpgrade', { id: o.upgradeId })}</p>}
        <h2 id={headingId}>{t(title, vars)}</h2>
      </div>
      <p className="outcome-lead" role={o.tone === 'alert' ? 'alert' : 'status'}>
        {t(lead, vars)}
      </p>
      {o.verdict === 'notStarted' || o.verdict === 'rollbackNotStarted' ? (
        o.error && <ErrorBox title={t('outcome.whyNot')} error={o.error} />
      ) : (
        o.message && <p className="outcome-message">{o.message}</p>
      )}
      {o.reason && o.verdict !== 'rollbackFailed' && o.message.indexOf(o.reason) < 0 && (
        <p className="outcome-message">{t('outcome.reason', { reason: o.reason })}</p>
      )}
      {o.unhealthy.length > 0 && (
        <div className="table-wrap">
          <table className="images-table">
            <caption className="caption-left">{t('outcome.unhealthy')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('details.service')}</th>
                <th scope="col">{t('outcome.container')}</th>
                <th scope="col">{t('outcome.state')}</th>
                <th scope="col">{t('outcome.why')}</th>
              </tr>
            </thead>
            <tbody>
              {o.unhealthy.map((h) => (
                <tr key={h.id || h.name || h.service}>
                  <td>{h.service}</td>
                  <td>{h.name}</td>
                  <td>
                    {[h.state && dockerStateLabel(t, h.state), h.health && dockerHealthLabel(t, h.health)]
                      .filter(Boolean)
                      .join(', ') || unknown}
                  </td>
                  <td>{h.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <dl className="facts compact">
        {o.upgradeId > 0 && (
          <div className="fact">
            <dt>{t('outcome.upgrade')}</dt>
            <dd>{t('outcome.upgradeValue', vars)}</dd>
          </div>
        )}
        <div className="fact">
          <dt>{t('outcome.started')}</dt>
          <dd>
            <DateText value={o.startedAt} />
          </dd>
        </div>
        <div className="fact">
          <dt>{t('outcome.duration')}</dt>
          <dd>{seconds === null ? '—' : formatDuration(seconds, unknown)}</dd>
        </div>
        {o.backupId > 0 && (
          <div className="fact">
            <dt>{t('outcome.backup')}</dt>
            <dd>#{o.backupId}</dd>
          </div>
        )}
      </dl>
      {(action || onDismiss) && (
        <div className="outcome-actions">
          {action}
          {onDismiss && (
            <button type="button" className="button" onClick={onDismiss}>
              {t('progress.dismiss')}
            </button>
          )}
        </div>
      )}
    </section>
  )
}
