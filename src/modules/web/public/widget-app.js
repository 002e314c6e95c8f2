// The customer chat widget: a bubble that opens a chat on the public API. An ES module that /widget.js
// imports with the Socket.IO client's ES build, so neither leaves a global on the host page (a site
// with its own Socket.IO keeps its `io`). Lives in a shadow root, so the host page's styles and ours
// do not meet.

/** Starts the widget: `base` the service's origin, `stylesheet` the widget's CSS, `io` the Socket.IO client. */
export function start({ base, stylesheet, io }) {
  const STORE = `support-widget:${base}`;
  const TYPING_SHOWN_MS = 4000;

  const TEXTS = {
    en: {
      open: 'Chat with us',
      close: 'Close chat',
      title: 'Support',
      signup: 'Sign up',
      login: 'Log in',
      name: 'Your name',
      email: 'E-mail',
      password: 'Password',
      haveAccount: 'I have an account',
      newHere: 'I am new here',
      asVisitor: 'Chat without an account',
      startChat: 'Start chatting',
      visitorHint: 'Just your name and e-mail address. We mail you a link to set a password later, if you like.',
      hasAccount: 'This address has an account: please log in.',
      visitEnded: 'Your chat session has ended. To see your conversations again, set a password with the link we e-mailed you and log in.',
      start: 'How can we help?',
      startButton: 'Start the conversation',
      message: 'Message',
      send: 'Send',
      attach: 'Attach a file',
      tooLarge: 'This file is too large.',
      sentFile: (name) => `Sent a file: ${name}`,
      files: 'Files',
      download: (name) => `Download ${name}`,
      typing: 'Support is typing…',
      resolved: 'This conversation is resolved. How did we do?',
      score: (n) => `${n} of 5`,
      comment: 'Comment (optional)',
      rate: 'Send rating',
      thanks: 'Thank you for your rating!',
      reconnecting: 'Reconnecting…',
      you: 'You',
      newChat: 'New conversation',
      bot: 'Support bot',
      askPerson: 'Talk to a person',
      endChat: 'End chat',
      chatEnded: 'The chat has ended on this device. Your conversation is kept for the address: set a password with the link we e-mailed you to see it again.',
      handoff: 'Connecting you to a person…',
      talkingTo: (name) => `You are now talking to ${name}.`,
    },
    ru: {
      open: 'Напишите нам',
      close: 'Закрыть чат',
      title: 'Поддержка',
      signup: 'Зарегистрироваться',
      login: 'Войти',
      name: 'Ваше имя',
      email: 'Эл. почта',
      password: 'Пароль',
      haveAccount: 'У меня есть аккаунт',
      newHere: 'Я здесь впервые',
      asVisitor: 'Чат без регистрации',
      startChat: 'Начать чат',
      visitorHint: 'Только имя и адрес эл. почты. Ссылку, чтобы задать пароль, пришлём письмом — если захотите.',
      hasAccount: 'У этого адреса есть аккаунт: войдите, пожалуйста.',
      visitEnded: 'Сеанс чата закончился. Чтобы снова увидеть свои обращения, задайте пароль по ссылке из письма и войдите.',
      start: 'Чем мы можем помочь?',
      startButton: 'Начать разговор',
      message: 'Сообщение',
      send: 'Отправить',
      attach: 'Прикрепить файл',
      tooLarge: 'Файл слишком большой.',
      sentFile: (name) => `Отправлен файл: ${name}`,
      files: 'Файлы',
      download: (name) => `Скачать ${name}`,
      typing: 'Поддержка печатает…',
      resolved: 'Обращение решено. Оцените, пожалуйста, нашу работу.',
      score: (n) => `${n} из 5`,
      comment: 'Комментарий (необязательно)',
      rate: 'Отправить оценку',
      thanks: 'Спасибо за оценку!',
      reconnecting: 'Переподключение…',
      you: 'Вы',
      newChat: 'Новое обращение',
      bot: 'Бот поддержки',
      askPerson: 'Позвать сотрудника',
      endChat: 'Завершить чат',
      chatEnded: 'Чат на этом устройстве завершён. Обращение сохранено за адресом: задайте пароль по ссылке из письма, чтобы снова его увидеть.',
      handoff: 'Соединяем вас с сотрудником…',
      talkingTo: (name) => `Теперь с вами общается ${name}.`,
    },
  };
  const lang = (navigator.language || 'en').toLowerCase().startsWith('ru') ? 'ru' : 'en';
  const t = TEXTS[lang];

  const saved = JSON.parse(localStorage.getItem(STORE) || '{}');
  const state = {
    token: saved.token ?? null,
    ticketId: saved.ticketId ?? null,
    /** Chatting without an account: its token sees only this visit's conversations. */
    visitor: saved.visitor === true,
    /** When a visitor's token is renewed (ms since the epoch): at 80 % of its life. */
    renewAt: saved.renewAt ?? 0,
    /** A visitor's visit key: renews the token without a valid one (POST /auth/visitor/renew), replaced each time. */
    visitKey: saved.visitKey ?? null,
    me: null,
    socket: null,
    lastMessageId: 0,
    shown: new Set(),
    /** Whether the bot holds the chat (null: not known yet); its turn to false is the hand-off. */
    botActive: null,
    /** The agent the customer was last told they are talking to. */
    agentName: null,
  };
  const save = () =>
    localStorage.setItem(
      STORE,
      JSON.stringify({ token: state.token, ticketId: state.ticketId, visitor: state.visitor, renewAt: state.renewAt, visitKey: state.visitKey }),
    );

  /**
   * A visitor has no password to log in again with: its token is renewed for the same visit from the
   * visit key (POST /auth/visitor/renew, no token needed) at 80 % of its life, while the page is open,
   * when it opens again (even after the token expired), and when the connection is refused. One
   * renewal at a time, in this tab (callers share it) and across the site's tabs (a Web Lock), and
   * each first reads the shared storage: a tab that renewed first left its token and key there (the
   * key this tab holds renews no more, and would end the visit as a copied one). `renewVisit` answers
   * 'renewed', 'refused' (the visit is over: the server said 401 or 403) or 'failed' (the network, a
   * 5xx, a 429: tried again in 30 s, and nothing is forgotten).
   */
  let renewTimer = 0;
  let renewing = null;
  /** When a refused connection last tried a renewal (ms since the epoch). */
  let refusedRenewalAt = 0;
  const tokenIssued = (res) => {
    state.token = res.access_token;
    state.renewAt = Date.now() + res.expires_in * 800;
    if (res.visit_key) state.visitKey = res.visit_key;
  };
  /** Takes a newer token and key that another tab stored; true if there was one. */
  function adoptStored(sent) {
    const shared = JSON.parse(localStorage.getItem(STORE) || '{}');
    if (!shared.visitKey || shared.visitKey === sent || !shared.token) return false;
    Object.assign(state, { token: shared.token, visitKey: shared.visitKey, renewAt: shared.renewAt ?? 0 });
    return true;
  }
  /**
   * A renewal without the service's answer (the network, a 5xx from a proxy) may have renewed on the
   * server all the same: the server takes the same key sent again within 2 minutes as that renewal's
   * retry and answers with the same new key, but later as a copied key, and ends the visit. So such a
   * renewal is sent again at once, each waiting a few seconds at most; only then 'failed' (30 s on).
   */
  async function renewWith(key) {
    const post = () => api('/auth/visitor/renew', { method: 'POST', body: { visit_key: key }, anonymous: true, timeoutMs: 4_000 });
    try {
      return await post();
    } catch (error) {
      if (error.status !== undefined && error.status < 500) throw error;
      return post();
    }
  }
  async function renewOnce() {
    if (!state.visitor || !state.visitKey) return 'refused';
    // Another tab may have renewed: its token and key are newer; taken as they are while fresh.
    const adopted = adoptStored(state.visitKey);
    const sent = state.visitKey;
    if (!adopted || state.renewAt <= Date.now()) {
      try {
        tokenIssued(await renewWith(sent));
      } catch (error) {
        if (error.status === undefined || error.status >= 500 || error.status === 429) return 'failed';
        if (!adoptStored(sent)) return 'refused';
      }
    }
    if (state.socket) state.socket.auth.token = state.token;
    save();
    return 'renewed';
  }
  function renewVisit() {
    renewing ??= (navigator.locks ? navigator.locks.request('support-widget-visit', renewOnce) : renewOnce()).finally(() => (renewing = null));
    return renewing.then((outcome) => {
      if (outcome === 'failed') {
        clearTimeout(renewTimer);
        renewTimer = setTimeout(() => void renewVisit().then((again) => again === 'renewed' && scheduleRenewal()), 30_000);
      }
      return outcome;
    });
  }
  function scheduleRenewal() {
    clearTimeout(renewTimer);
    if (!state.visitor || !state.visitKey) return;
    renewTimer = setTimeout(
      () => void renewVisit().then((outcome) => outcome === 'renewed' && scheduleRenewal()),
      Math.min(2 ** 31 - 1, Math.max(0, state.renewAt - Date.now())),
    );
  }

  /** The visitor ends the chat (a shared computer): the visit's tokens and key stop; this browser forgets it. */
  async function endChat() {
    const end = () => api('/auth/visitor/end', { method: 'POST' });
    try {
      await end().catch(async (error) => {
        // The token expired meanwhile: a fresh one (from the key) ends the visit on the server too.
        if (error.status === 401 && (await renewVisit()) === 'renewed') return end();
        throw error;
      });
    } catch (error) {
      if (error.status !== 401) return showError(error);
    }
    clearTimeout(renewTimer);
    state.socket?.close();
    Object.assign(state, { socket: null, token: null, ticketId: null, visitor: false, visitKey: null, renewAt: 0, me: null });
    save();
    authView('signup');
    alert.textContent = t.chatEnded;
  }

  function el(tag, props = {}, ...children) {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  }

  async function api(path, { method = 'GET', body, form, anonymous = false, timeoutMs } = {}) {
    const headers = {};
    if (state.token && !anonymous) headers.Authorization = `Bearer ${state.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    headers['Accept-Language'] = lang;
    const signal = timeoutMs && AbortSignal.timeout ? AbortSignal.timeout(timeoutMs) : undefined;
    const res = await fetch(`${base}/api/v1${path}`, { method, headers, body: form ?? (body === undefined ? undefined : JSON.stringify(body)), signal });
    if (res.status === 204) return null;
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw Object.assign(new Error(errorText(data) || `HTTP ${res.status}`), { status: res.status });
    return data;
  }

  /** An error body's most useful words: a validation error's first problem, else its message. */
  const errorText = (body) => (body?.error === 'validation_failed' && body.details?.[0]?.problems?.[0]) || body?.message;

  function emit(event, payload) {
    return new Promise((resolve, reject) => state.socket.emit(event, payload, (ack) => (ack.ok ? resolve(ack) : reject(new Error(errorText(ack.error))))));
  }

  /** A speech bubble, drawn (no emoji font needed). */
  function chatIcon() {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
    path.setAttribute('fill', 'currentColor');
    svg.append(path);
    return svg;
  }

  // ---- the frame -------------------------------------------------------------------------------
  const host = el('div', { id: 'support-widget' });
  const root = host.attachShadow({ mode: 'open' });
  const bubble = el('button', { type: 'button', className: 'bubble', ariaLabel: t.open }, chatIcon());
  bubble.setAttribute('aria-expanded', 'false');
  const panel = el('section', { className: 'panel', hidden: true, id: 'panel' });
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', t.title);
  bubble.setAttribute('aria-controls', 'panel');
  const closeButton = el('button', { type: 'button', className: 'close', textContent: '×', ariaLabel: t.close });
  const body = el('div', { className: 'body' });
  const status = el('p', { className: 'status', role: 'status' });
  const alert = el('p', { className: 'alert', role: 'alert' });
  panel.append(el('header', {}, el('h2', { textContent: t.title }), closeButton), status, body, alert);
  root.append(el('link', { rel: 'stylesheet', href: stylesheet }), bubble, panel);
  document.body.append(host);

  const toggle = (open) => {
    panel.hidden = !open;
    bubble.setAttribute('aria-expanded', String(open));
    if (open) {
      render();
      panel.querySelector('input, textarea, button')?.focus();
    } else bubble.focus();
  };
  bubble.addEventListener('click', () => toggle(panel.hidden));
  closeButton.addEventListener('click', () => toggle(false));
  panel.addEventListener('keydown', (event) => event.key === 'Escape' && toggle(false));

  const showError = (error) => (alert.textContent = error.message);
  const field = (label, input) => el('label', {}, label, input);

  scheduleRenewal();

  // ---- views -----------------------------------------------------------------------------------
  let view = null;
  function render() {
    if (!state.token) return authView('signup');
    if (!state.socket) connect();
    if (!state.ticketId) return startView();
    if (view !== 'chat') chatView();
  }

  /** Signing up, logging in, or a chat without an account (`visitor`: a name and an e-mail address, POST /auth/visitor). */
  function authView(mode, prefill = {}) {
    view = 'auth';
    alert.textContent = '';
    const name = el('input', { name: 'name', required: true, autocomplete: 'name' });
    const email = el('input', { name: 'email', type: 'email', required: true, autocomplete: 'email', value: prefill.email ?? '' });
    const password = el('input', { name: 'password', type: 'password', required: true, minLength: 8, autocomplete: mode === 'signup' ? 'new-password' : 'current-password' });
    const submitText = { signup: t.signup, login: t.login, visitor: t.startChat }[mode];
    const form = el(
      'form',
      { className: 'stack' },
      mode === 'visitor' ? el('p', { className: 'hint', textContent: t.visitorHint }) : null,
      mode === 'login' ? null : field(t.name, name),
      field(t.email, email),
      mode === 'visitor' ? null : field(t.password, password),
      el('button', { type: 'submit', textContent: submitText }),
    );
    const others = [
      ['visitor', t.asVisitor],
      ['login', t.haveAccount],
      ['signup', t.newHere],
    ]
      .filter(([other]) => other !== mode)
      .map(([other, text]) => {
        const button = el('button', { type: 'button', className: 'link', textContent: text });
        button.addEventListener('click', () => authView(other, { email: email.value }));
        return button;
      });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const credentials = { email: email.value, password: password.value };
        const res =
          mode === 'signup'
            ? await api('/auth/signup', { method: 'POST', body: { ...credentials, name: name.value } })
            : mode === 'login'
              ? await api('/auth/login', { method: 'POST', body: credentials })
              : await api('/auth/visitor', { method: 'POST', body: { name: name.value, email: email.value } });
        tokenIssued(res);
        state.visitor = mode === 'visitor';
        if (!state.visitor) state.visitKey = null;
        state.me = null;
        scheduleRenewal();
        if (mode === 'login') {
          // Back on another browser: carry on with the latest conversation unless it is closed.
          const [latest] = (await api('/tickets?limit=1')).items;
          if (latest && latest.status !== 'closed') state.ticketId = latest.id;
        }
        save();
        alert.textContent = '';
        render();
      } catch (error) {
        // A visit under the address of an account: its owner logs in.
        if (mode === 'visitor' && error.status === 409) {
          authView('login', { email: email.value });
          alert.textContent = t.hasAccount;
          return;
        }
        showError(error);
      }
    });
    body.replaceChildren(form, el('div', { className: 'switch' }, ...others));
  }

  function startView() {
    view = 'start';
    const text = el('textarea', { name: 'description', required: true, minLength: 10, rows: 4 });
    const form = el('form', { className: 'stack' }, field(t.start, text), el('button', { type: 'submit', textContent: t.startButton }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const description = text.value.trim();
      if (!description) return;
      try {
        const ack = await emit('ticket:create', { title: description.slice(0, 80), description });
        state.ticketId = ack.ticket_id;
        save();
        chatView();
      } catch (error) {
        showError(error);
      }
    });
    body.replaceChildren(form);
  }

  let log, typing, compose, rating, files, askPerson;
  function chatView() {
    view = 'chat';
    state.shown.clear();
    state.lastMessageId = 0;
    state.botActive = null;
    state.agentName = null;
    log = el('ol', { className: 'log', ariaLabel: t.title });
    log.setAttribute('role', 'log');
    typing = el('p', { className: 'typing', ariaLive: 'polite' });
    const text = el('textarea', { name: 'content', rows: 2 });
    const file = el('input', { type: 'file', className: 'file' });
    compose = el(
      'form',
      { className: 'compose' },
      field(t.message, text),
      el('div', { className: 'row' }, field(t.attach, file), el('button', { type: 'submit', textContent: t.send })),
    );
    rating = el('div', { className: 'rating' });
    // While the bot holds the chat: the customer may ask for a person (`bot:handoff`) instead of writing "agent".
    askPerson = el('button', { type: 'button', className: 'link ask-person', textContent: t.askPerson, hidden: true });
    askPerson.addEventListener('click', async () => {
      askPerson.disabled = true;
      try {
        await emit('bot:handoff', { ticket_id: state.ticketId });
      } catch (error) {
        showError(error);
      } finally {
        askPerson.disabled = false;
      }
    });
    files = el('ul', { className: 'files', ariaLabel: t.files, hidden: true });
    compose.addEventListener('submit', async (event) => {
      event.preventDefault();
      const content = text.value.trim();
      if (!content) return;
      try {
        const ack = await emit('message:send', { ticket_id: state.ticketId, content, client_msg_id: crypto.randomUUID() });
        addMessage(ack.message);
        text.value = '';
      } catch (error) {
        showError(error);
      }
    });
    text.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        compose.requestSubmit();
      }
    });
    let typingSentAt = 0;
    text.addEventListener('input', () => {
      if (Date.now() - typingSentAt < 2000) return;
      typingSentAt = Date.now();
      state.socket.emit('typing', { ticket_id: state.ticketId }, () => {});
    });
    file.addEventListener('change', async () => {
      const chosen = file.files[0];
      if (!chosen) return;
      const form = new FormData();
      form.append('file', chosen);
      try {
        alert.textContent = '';
        // The file first (a refused one, too large, leaves no message behind), for the message that
        // tells of it, which takes the file under it: the agent sees it under that message, and not
        // before. A send that fails takes the file back (else the server removes it in time).
        const uploaded = await api(`/tickets/${state.ticketId}/attachments?for=message`, { method: 'POST', form });
        const ack = await emit('message:send', {
          ticket_id: state.ticketId,
          content: t.sentFile(chosen.name),
          client_msg_id: crypto.randomUUID(),
          attachment_ids: [uploaded.id],
        }).catch(async (error) => {
          await api(`/attachments/${uploaded.id}`, { method: 'DELETE' }).catch(() => {});
          throw error;
        });
        addMessage(ack.message);
        void loadFiles();
      } catch (error) {
        alert.textContent = error.status === 413 ? `${t.tooLarge} ${error.message}` : error.message;
      } finally {
        file.value = '';
      }
    });
    // A chat without an account can be ended on this device (a shared computer): nothing of it stays here.
    const end = state.visitor ? el('button', { type: 'button', className: 'link end-chat', textContent: t.endChat }) : null;
    end?.addEventListener('click', () => void endChat());
    body.replaceChildren(log, typing, files, askPerson, compose, rating, ...(end ? [end] : []));
    if (state.socket?.connected) void join();
  }

  function addMessage(message, mine = message.author_id === state.me?.id) {
    // The ticket's description opens the thread (it has no message id); each message shows once.
    const key = message.id ?? 'description';
    if (state.shown.has(key)) return;
    state.shown.add(key);
    if (message.id) state.lastMessageId = Math.max(state.lastMessageId, message.id);
    // A person's first word (or another person's): who the customer is talking to now, as a step of its own.
    if (message.author_type === 'agent' && message.author_name && message.author_name !== state.agentName) {
      state.agentName = message.author_name;
      notice(t.talkingTo(message.author_name));
    }
    const who = mine ? t.you : message.author_type === 'bot' ? t.bot : (message.author_name ?? message.author_type);
    log.append(el('li', { className: `msg ${mine ? 'mine' : `from-${message.author_type}`}` }, el('span', { className: 'who', textContent: who }), el('p', { textContent: message.content })));
    log.scrollTop = log.scrollHeight;
  }

  /** A line of the conversation that nobody said: a step such as the hand-off to a person. */
  function notice(text) {
    log.append(el('li', { className: 'notice', textContent: text }));
    log.scrollTop = log.scrollHeight;
  }

  /** The bot's part: the "talk to a person" button while it holds the chat, and the hand-off when it stops. */
  function showBot(ticket) {
    const was = state.botActive;
    state.botActive = ticket.bot_active;
    askPerson.hidden = !ticket.bot_active || ticket.status === 'closed';
    if (was && !ticket.bot_active && state.agentName === null) notice(t.handoff);
  }

  function showStatus(ticket) {
    showBot(ticket);
    if (ticket.status === 'resolved') showRating();
    else if (ticket.status === 'closed') {
      compose.hidden = true;
      rating.replaceChildren(newChatButton());
    } else {
      compose.hidden = false;
      rating.replaceChildren();
    }
  }

  function newChatButton() {
    const button = el('button', { type: 'button', textContent: t.newChat });
    button.addEventListener('click', () => {
      state.ticketId = null;
      save();
      startView();
    });
    return button;
  }

  function showRating() {
    if (rating.querySelector('form')) return;
    const legend = el('legend', { textContent: t.resolved });
    const choices = [1, 2, 3, 4, 5].map((n) => el('label', { className: 'star' }, el('input', { type: 'radio', name: 'score', value: n, required: true }), t.score(n)));
    const comment = el('textarea', { name: 'comment', rows: 2 });
    const form = el('form', { className: 'stack' }, el('fieldset', {}, legend, ...choices), field(t.comment, comment), el('button', { type: 'submit', textContent: t.rate }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const score = Number(new FormData(form).get('score'));
      try {
        await emit('ticket:rate', { ticket_id: state.ticketId, score, ...(comment.value.trim() && { comment: comment.value.trim() }) });
        rating.replaceChildren(el('p', { className: 'thanks', textContent: t.thanks }), newChatButton());
      } catch (error) {
        showError(error);
      }
    });
    rating.replaceChildren(form);
  }

  /** The files on the conversation, each a download (fetched with the token, saved from a blob). */
  async function loadFiles() {
    const none = () => ({ items: [] });
    const [onTicket, onMessages] = await Promise.all([
      api(`/attachments/ticket/${state.ticketId}?limit=100`).catch(none),
      api(`/attachments/ticket/${state.ticketId}/messages?limit=100`).catch(none),
    ]);
    const all = [...onTicket.items, ...onMessages.items].sort((a, b) => a.id - b.id);
    files.hidden = all.length === 0;
    files.replaceChildren(
      ...all.map((file) => {
        const button = el('button', { type: 'button', className: 'link', textContent: t.download(file.filename) });
        button.addEventListener('click', async () => {
          const res = await fetch(`${base}/api/v1/attachments/${file.id}/content`, { headers: { Authorization: `Bearer ${state.token}` } });
          if (!res.ok) return showError(new Error(`HTTP ${res.status}`));
          const link = el('a', { href: URL.createObjectURL(await res.blob()), download: file.filename });
          link.click();
          setTimeout(() => URL.revokeObjectURL(link.href), 0);
        });
        return el('li', {}, button);
      }),
    );
    log.scrollTop = log.scrollHeight;
  }

  /** Joins the conversation; after a reconnect, takes only what was missed (`since_message_id`). */
  async function join() {
    try {
      const since = state.lastMessageId;
      const ack = await emit('ticket:join', since ? { ticket_id: state.ticketId, since_message_id: since } : { ticket_id: state.ticketId });
      addMessage({ content: ack.ticket.description, author_type: 'client', created_at: ack.ticket.created_at }, true);
      for (const message of ack.messages) addMessage(message);
      // Opened again after the bot handed over, before a person wrote: the hand-off is where it stands.
      if (state.botActive === null && !ack.ticket.bot_active && ack.messages.some((m) => m.author_type === 'bot')) state.botActive = true;
      showStatus(ack.ticket);
      void loadFiles();
    } catch (error) {
      // The ticket is gone or not ours (another account on this browser): start afresh.
      state.ticketId = null;
      save();
      showError(error);
      startView();
    }
  }

  function connect() {
    const socket = io(`${base}/support`, { auth: { token: state.token } });
    state.socket = socket;
    socket.on('connect', async () => {
      status.textContent = '';
      state.me ??= await api('/auth/me').catch(() => null);
      if (view === 'chat') await join();
    });
    socket.on('disconnect', (reason) => {
      status.textContent = t.reconnecting;
      // The server ended it (logout elsewhere, a new password, the token's expiry): Socket.IO does not
      // retry that on its own; one more try hears why (connect_error) and acts on it.
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', async (error) => {
      if (error.message !== 'unauthorized') return void (status.textContent = t.reconnecting);
      // A visitor's token expired while away: the visit key brings a fresh one, and the chat carries on
      // (once in a while only: a fresh token refused again means the visit is over, not a loop of renewals).
      if (state.visitor && Date.now() - refusedRenewalAt > 10_000) {
        refusedRenewalAt = Date.now();
        const outcome = await renewVisit();
        if (outcome === 'renewed') {
          scheduleRenewal();
          return void socket.connect();
        }
        // Not reachable now: nothing is forgotten; the renewal is tried again, then the connection.
        if (outcome === 'failed') {
          status.textContent = t.reconnecting;
          return void setTimeout(() => socket.connect(), 30_000);
        }
      }
      socket.close();
      state.socket = null;
      state.token = null;
      if (!state.visitor) {
        save();
        return authView('login');
      }
      // A visit's token ended (it expired, or the address was claimed): a new visit would not see this
      // conversation; the mailed link (a password, then log in) brings back every conversation of the address.
      state.visitor = false;
      state.visitKey = null;
      state.ticketId = null;
      save();
      authView('login');
      alert.textContent = t.visitEnded;
    });
    socket.on('message:new', (message) => {
      if (message.ticket_id !== state.ticketId || view !== 'chat') return;
      addMessage(message);
      typing.textContent = '';
      // A file comes before the message that tells of it: the list is current by now.
      if (message.author_id !== state.me?.id) void loadFiles();
    });
    socket.on('attachment:new', (event) => {
      if (event.ticket_id === state.ticketId && view === 'chat') void loadFiles();
    });
    socket.on('ticket:updated', (ticket) => {
      if (ticket.id === state.ticketId && view === 'chat') showStatus(ticket);
    });
    let typingTimer = 0;
    socket.on('typing', (event) => {
      if (event.ticket_id !== state.ticketId || view !== 'chat') return;
      typing.textContent = t.typing;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => (typing.textContent = ''), TYPING_SHOWN_MS);
    });
  }
}
