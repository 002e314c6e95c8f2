import type { en } from '#src/common/i18n/catalogue.en.js';

/**
 * The Russian message catalogue (LOCALE=ru): the same keys and placeholders as catalogue.en.ts,
 * which documents them. The type makes a missing or extra key a compile error.
 */
export const ru: Record<keyof typeof en, string> = {
  'queues.technical.name': 'Техническая поддержка',
  'queues.technical.description': 'Проблемы при работе с продуктом',
  'queues.billing.name': 'Биллинг',
  'queues.billing.description': 'Счета, оплата и возвраты денег',
  'queues.logistics.name': 'Логистика',
  'queues.logistics.description': 'Заказы, доставка и возвраты',
  'queues.general.name': 'Общие вопросы',
  'queues.general.description': 'Всё остальное',
  'queues.email.name': 'Письма из почты',
  'queues.email.description': 'Тикеты, созданные из писем',

  'users.admin.default_name': 'Администратор',
  'admin_bootstrap.created_from_env': 'Создан первый администратор {email} из ADMIN_EMAIL',
  'admin_bootstrap.created_generated':
    'Создан первый администратор {email} с паролем {password}. Пароль показан один раз: войдите и задайте свой, PATCH /api/v1/users/{id} с новым "password"',
  'admin_bootstrap.created_generated_saved':
    'Создан первый администратор {email} с паролем {password} (он также в файле {file}, доступном только вам). Пароль показан один раз: войдите и задайте свой, PATCH /api/v1/users/{id} с новым "password"',
  'admin_bootstrap.half_configured': 'Задана только одна из переменных ADMIN_EMAIL и ADMIN_PASSWORD; задайте обе, чтобы создать первого администратора',
  'admin_bootstrap.none':
    'Администратора ещё нет. Создайте его для этой базы командой `npm run create-admin -- --email you@example.com` (в контейнере: `node dist/src/cli/create-admin.js --email you@example.com`) или задайте ADMIN_EMAIL и ADMIN_PASSWORD и перезапустите сервис',
  'admin_bootstrap.email_taken':
    'Адрес {email} принадлежит пользователю, который не администратор; администратор не создан (npm run create-admin -- --email {email} --promote сделает его администратором)',

  'sla.all_met': '✅ Все дедлайны соблюдены для всех тикетов',
  'sla.line': '[{time}] [Тикет #{ticket_id} | {title}] {event}',
  'sla.frt_warning': '🚨 FRT скоро истечёт (осталось: {minutes} мин)',
  'sla.ttr_warning': '🚨 TTR скоро истечёт (осталось: {minutes} мин)',
  'sla.frt_breached': '❌ FRT нарушен (просрочен на {minutes} мин)',
  'sla.ttr_breached': '❌ TTR нарушен (просрочен на {minutes} мин)',

  // Письма, ставшие тикетом или сообщением (src/modules/email-ingest/).
  'email.no_subject': '(без темы)',
  'email.empty_body': '(в письме не было текста)',
  'email.truncated': '[обрезано: полное письмо сохранено в тикете]',
  'email.files_not_kept': 'Часть файлов из письма не сохранена; попросите клиента прислать их иначе:',
  'email.file_not_kept_too_many': '- {filename}: в письме больше {max} файлов',
  'email.file_not_kept_too_large': '- {filename}: больше {max} байт, допустимых для файла',
  // Чат-бот (src/modules/bot/domain/dialogue.ts); тексты самих намерений хранятся в их строках.
  'bot.greeting': 'Здравствуйте! Я бот поддержки. Спросите меня о заказе, доставке, возврате или пароле, или напишите «оператор», чтобы поговорить с человеком.',
  'bot.not_understood': 'Извините, я не понял. Можете сформулировать иначе? Или напишите «оператор», чтобы поговорить с человеком.',
  'bot.knowledge_answer': 'Возможно, ответ есть в статье «{title}»\n{snippet}\n{url}\nЭто помогло? (да / нет)',
  'bot.knowledge_helped': 'Рад, что помогло! Что-нибудь ещё?',
  'bot.handoff_waiting': 'Сейчас все операторы заняты или не в сети. Ваш чат в очереди, и человек ответит здесь, как только освободится.',
  'bot.agent_joined': 'Оператор взял ваш чат и скоро ответит здесь.',
  'bot.note_handoff': 'Бот передал чат человеку ({reason}).',
  'bot.reason_asked': 'клиент попросил человека',
  'bot.reason_intent': 'намерение «{intent}»',
  'bot.reason_not_understood': 'два сообщения, на которые бот не смог ответить',
  'bot.reason_no_slot': 'не указано: {slot}',
  'bot.reason_knowledge': 'статья «{title}» не помогла',
  'bot.note_missing': 'не указан',
};
