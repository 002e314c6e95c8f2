/**
 * The subject of a mail about a ticket (issue: prefixes piling up). Mail clients add their own
 * reply and forward prefixes, in many languages, and a ticket opened from a mail keeps them in its
 * title; our reply template adds one more. So a subject is normalised before it goes out: our
 * `[#id]` tag and every leading reply or forward prefix come off, then one `Re:` goes back when the
 * subject was a reply (had any such prefix), and our tag leads. Pure.
 */

/**
 * One leading reply or forward prefix: Re, Fwd, Fw, AW, WG, SV, VS, Antw, Ответ, Отв, Пересл, with
 * an optional counter (`Re[2]:`, `Re(2):`, `Re^2:`), in any case, ending in `:` (or the full-width `：`).
 */
const PREFIX = /^\s*(?:re|fwd?|aw|wg|sv|vs|antw|ответ|отв|пересл)\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*[:：]\s*/iu;
/** Our own tag, anywhere in the subject (an older mail of ours quoted back). */
const OWN_TAG = /\[#\d{1,10}\]/g;

/** The subject without our tags and without leading reply/forward prefixes; `replied` when it had any prefix. */
export function bareSubject(subject: string): { bare: string; replied: boolean } {
  let rest = subject.replace(OWN_TAG, ' ').replace(/\s{2,}/g, ' ').trim();
  let replied = false;
  for (let match = PREFIX.exec(rest); match; match = PREFIX.exec(rest)) {
    rest = rest.slice(match[0].length).trimStart();
    replied = true;
  }
  return { bare: rest.trim(), replied };
}

/**
 * The outbound subject of a mail about ticket `ticketId`: `[#id] Re: <title>` for a reply (one
 * `Re:` however many the rendered subject had), `[#id] <subject>` otherwise; our tag once.
 */
export function ticketMailSubject(ticketId: number, subject: string): string {
  const { bare, replied } = bareSubject(subject);
  return [`[#${ticketId}]`, replied ? 'Re:' : '', bare].filter(Boolean).join(' ');
}
