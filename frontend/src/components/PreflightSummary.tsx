import type { ImageCheck, Preflight } from '../api'
import { formatSize } from '../format'
import { useI18n, type Translate } from '../i18n'
import type { Tone } from './labels'

// A check (no pull) reports a missing image as an error without a problem: it will be
// pulled by the upgrade. A problem naming the image means it cannot be had.
function imageState(t: Translate, c: ImageCheck, problems: readonly string[]): { tone: Tone; text: string } {
  if (c.pulled) return { tone: 'ok', text: t('preflight.imagePulled') }
  if (c.present) return { tone: 'ok', text: t('preflight.imagePresent') }
  if (!problems.some((p) => p.includes(c.image))) return { tone: 'info', text: t('preflight.imageWillPull') }
  return { tone: 'bad', text: t('preflight.imageMissing') }
}

/** PreflightSummary shows what an upgrade check found: verdict, problems, space, images, warnings. */
export function PreflightSummary({ preflight: pf }: { preflight: Preflight }) {
  const { t } = useI18n()
  const unknown = t('common.unknown')
  const ok = pf.problems.length === 0
  const share = pf.freeBytes > 0 ? Math.min(100, Math.round((pf.backupBytes / pf.freeBytes) * 100)) : 100
  return (
    <section className="preflight" aria-labelledby="preflight-heading">
      <h3 id="preflight-heading">{t('preflight.title', { from: pf.from || unknown, to: pf.to })}</h3>
      <p className={`verdict ${ok ? 'verdict-ok' : 'verdict-bad'}`}>
        <span className={`badge badge-${ok ? 'ok' : 'bad'}`}>{ok ? t('preflight.ready') : t('preflight.blocked')}</span>{' '}
        {ok ? t('preflight.readyHint') : t('preflight.blockedHint', { count: pf.problems.length })}
      </p>
      {!ok && (
        <div className="danger-box">
          <p>{t('preflight.problems')}</p>
          <ul className="plain-list">
            {pf.problems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <dl className="facts compact preflight-facts">
        <div className="fact">
          <dt>{t('preflight.compose')}</dt>
          <dd>{pf.compose || <span className="bad-text">{t('preflight.composeMissing')}</span>}</dd>
        </div>
        <div className="fact">
          <dt>{t('preflight.backupSize')}</dt>
          <dd>{t('preflight.backupSizeValue', { size: formatSize(pf.backupBytes, unknown), raw: formatSize(pf.rawBytes, unknown) })}</dd>
        </div>
        <div className="fact">
          <dt>{t('preflight.free')}</dt>
          <dd>
            <span>{formatSize(pf.freeBytes, unknown)}</span>
            <span
              className={`space-bar ${share >= 80 ? 'tight' : ''}`}
              role="img"
              aria-label={t('preflight.spaceShare', { share })}
              title={t('preflight.spaceShare', { share })}
            >
              <span style={{ width: `${Math.max(2, share)}%` }} />
            </span>
          </dd>
        </div>
      </dl>
      <h4>{t('preflight.images')}</h4>
      {pf.images.length === 0 ? (
        <p className="muted">{t('preflight.noImages')}</p>
      ) : (
        <div className="table-wrap">
          <table className="images-table">
            <thead>
              <tr>
                <th scope="col">{t('details.service')}</th>
                <th scope="col">{t('details.image')}</th>
                <th scope="col">{t('preflight.imageState')}</th>
              </tr>
            </thead>
            <tbody>
              {pf.images.map((c) => {
                const s = imageState(t, c, pf.problems)
                return (
                  <tr key={c.service}>
                    <td>{c.service}</td>
                    <td>
                      <code>{c.image}</code>
                    </td>
                    <td>
                      <span className={`badge badge-${s.tone}`} title={c.error || undefined}>
                        {s.text}
                      </span>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      {pf.warnings.length > 0 && (
        <div className="warn-box">
          <p>{t('preflight.warnings')}</p>
          <ul className="plain-list">
            {pf.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  )
}
