/**
 * The English message catalogue: every text the system itself writes for people (seeded queue
 * names, system messages, mail, start-up lines for the operator, SLA log lines). Texts only: code
 * reads them through `translate` / `I18nService` (src/common/i18n/translate.ts).
 *
 * Keys are `<module>.<what>`; `{name}` is a placeholder filled from the call's params (letters,
 * digits and `_`; no other braces in a text). catalogue.ru.ts must have exactly these keys, with
 * the same placeholders per key (catalogue.spec.ts checks). API error messages are not here: they
 * stay English, for the machines and developers that read them.
 */
export const en = {
  // Seeded queues (migrations/1763776000000-Foundation.ts, named by their system key).
  'queues.technical.name': 'Technical support',
  'queues.technical.description': 'Problems using the product',
  'queues.billing.name': 'Billing',
  'queues.billing.description': 'Invoices, payments and refunds',
  'queues.logistics.name': 'Logistics',
  'queues.logistics.description': 'Orders, delivery and returns',
  'queues.general.name': 'General questions',
  'queues.general.description': 'Everything else',
  'queues.email.name': 'Email',
  'queues.email.description': 'Tickets opened by e-mail',

  // The first admin (src/modules/auth/admin-bootstrap.service.ts, src/cli/create-admin.ts).
  'users.admin.default_name': 'Administrator',
  'admin_bootstrap.created_from_env': 'Created the first admin {email} from ADMIN_EMAIL',
  'admin_bootstrap.created_generated':
    'Created the first admin {email} with the password {password}. It is shown this once: sign in and set your own, PATCH /api/v1/users/{id} with a new "password"',
  'admin_bootstrap.created_generated_saved':
    'Created the first admin {email} with the password {password} (also in {file}, readable by you only). It is shown this once: sign in and set your own, PATCH /api/v1/users/{id} with a new "password"',
  'admin_bootstrap.half_configured': 'Only one of ADMIN_EMAIL and ADMIN_PASSWORD is set; set both to create the first admin',
  'admin_bootstrap.none':
    'There is no admin yet. Create one against this database with `npm run create-admin -- --email you@example.com` (in the container: `node dist/src/cli/create-admin.js --email you@example.com`), or set ADMIN_EMAIL and ADMIN_PASSWORD and restart',
  'admin_bootstrap.email_taken':
    '{email} belongs to a user who is not an admin; no admin was created (npm run create-admin -- --email {email} --promote makes it one)',

  // SLA log lines (src/modules/sla/domain/sla-log-line.ts).
  'sla.all_met': 'All SLA deadlines are met for all tickets',
  'sla.line': '[{time}] [Ticket #{ticket_id} | {title}] {event}',
  'sla.frt_warning': 'FRT expires soon ({minutes} min left)',
  'sla.ttr_warning': 'TTR expires soon ({minutes} min left)',
  'sla.frt_breached': 'FRT breached ({minutes} min overdue)',
  'sla.ttr_breached': 'TTR breached ({minutes} min overdue)',

  // Mail that becomes a ticket or a message (src/modules/email-ingest/).
  'email.no_subject': '(no subject)',
  'email.empty_body': '(the mail had no text)',
  'email.truncated': '[cut here: the full mail is kept with the ticket]',
  'email.files_not_kept': 'Some files of this mail were not kept; ask the customer to send them another way:',
  'email.file_not_kept_too_many': '- {filename}: more than {max} files in one mail',
  'email.file_not_kept_too_large': '- {filename}: over the {max} bytes a file may have',

  // The chat bot (src/modules/bot/domain/dialogue.ts); intents' own texts live in their rows.
  'bot.greeting': 'Hi! I am the support bot. Ask me about an order, delivery, refunds or your password, or write "agent" to talk to a person.',
  'bot.not_understood': 'Sorry, I did not get that. Could you put it another way? Or write "agent" to talk to a person.',
  'bot.knowledge_answer': 'This article may answer it: "{title}"\n{snippet}\n{url}\nDid this help? (yes / no)',
  'bot.knowledge_helped': 'Glad it helped! Anything else?',
  'bot.handoff_waiting': 'All our agents are busy or offline right now. Your chat is in the queue, and a person will reply here as soon as one is free.',
  'bot.agent_joined': 'An agent has taken your chat and will reply here shortly.',
  'bot.note_handoff': 'The bot handed this chat to a person ({reason}).',
  'bot.reason_asked': 'the customer asked for a person',
  'bot.reason_intent': 'intent "{intent}"',
  'bot.reason_not_understood': 'two messages the bot could not answer',
  'bot.reason_no_slot': 'no {slot} given',
  'bot.reason_knowledge': 'the article "{title}" did not help',
  'bot.note_missing': 'not given',
} as const;
