// The reference agent console: plain ES module on the public API (REST under /api/v1, Socket.IO on /support).
const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'support-console-token';
const TYPING_SHOWN_MS = 4000;
const TYPING_SENT_EVERY_MS = 2000;

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  me: null,
  socket: null,
  cursor: null,
  ticket: null,
  /** Every message and note on screen, by `m<id>` / `n<id>`: a replay never shows one twice. */
  shown: new Set(),
  /** Files shown under their messages, by attachment id; files of messages not on screen yet, by message id. */
  shownFiles: new Set(),
  pendingFiles: new Map(),
  lastMessageId: 0,
  typingTimer: 0,
  typingSentAt: 0,
};

/** An error body's most useful words: a validation error's first problem, else its message. */
const errorText = (body) => (body?.error === 'validation_failed' && body.details?.[0]?.problems?.[0]) || body?.message;

/** One call to the API; throws an Error carrying the contract's error body (`status_code`, `message`). */
async function api(path, { method = 'GET', body, form } = {}) {
  const headers = { Authorization: `Bearer ${state.token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, { method, headers, body: form ?? (body === undefined ? undefined : JSON.stringify(body)) });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(errorText(data) || `HTTP ${res.status}`), { status: res.status, body: data });
  return data;
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

const time = (iso) => new Date(iso).toLocaleString();

// ---- log in / out ------------------------------------------------------------------------------

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  $('login-error').textContent = '';
  try {
    const res = await fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
    });
    const data = await res.json();
    if (!res.ok) throw new Error(data.message);
    state.token = data.access_token;
    await start();
  } catch (error) {
    $('login-error').textContent = error.message;
  }
});

$('logout').addEventListener('click', async () => {
  await api('/auth/logout', { method: 'POST' }).catch(() => {});
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
});

async function start() {
  const me = await api('/auth/me');
  if (me.role === 'client') throw new Error('The console is for agents and admins.');
  state.me = me;
  sessionStorage.setItem(TOKEN_KEY, state.token);
  $('login').hidden = true;
  $('workspace').hidden = false;
  $('me').textContent = `${me.name} (${me.role})`;
  const queues = await api('/queues?limit=100');
  const select = document.querySelector('#filters [name=queue_id]');
  for (const q of queues.items) select.append(el('option', { value: q.id, textContent: q.name }));
  const canned = await api('/canned-responses?limit=100');
  for (const c of canned.items) $('canned').append(el('option', { value: c.id, textContent: `${c.shortcut}: ${c.title}` }));
  connect();
  await Promise.all([loadTickets(true), loadOnlineAgents()]);
}

// ---- the team online -----------------------------------------------------------------------------

/**
 * Who of the team is online: read whole (GET /presence/agents, page by page) when the socket
 * connects or reconnects, and kept current in between by each `agent:presence` (applyPresence).
 * Events that come while a read is under way are applied again on top of what it read.
 */
let presenceLoads = 0;
const presenceBacklog = [];
async function loadOnlineAgents() {
  presenceLoads += 1;
  try {
    const agents = [];
    let cursor = null;
    do {
      const page = await api(`/presence/agents?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      agents.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    $('online-agents').replaceChildren(...agents.map(onlineAgentItem));
    for (const event of presenceBacklog) applyPresence(event, false);
  } finally {
    presenceLoads -= 1;
    if (presenceLoads === 0) presenceBacklog.length = 0;
  }
}

function onlineAgentItem(agent) {
  const item = el('li', { textContent: agent.id === state.me.id ? `${agent.name} (you)` : agent.name });
  item.dataset.userId = agent.id;
  return item;
}

/** One `agent:presence` ({user_id, name, online}): the agent added in id order, or taken off. */
function applyPresence(event, fresh = true) {
  if (fresh && presenceLoads > 0) presenceBacklog.push(event);
  const list = $('online-agents');
  const items = [...list.children];
  const current = items.find((item) => Number(item.dataset.userId) === event.user_id);
  if (!event.online) return current?.remove();
  if (current) return;
  const next = items.find((item) => Number(item.dataset.userId) > event.user_id);
  list.insertBefore(onlineAgentItem({ id: event.user_id, name: event.name }), next ?? null);
}

// ---- ticket list -------------------------------------------------------------------------------

function filterQuery() {
  const form = new FormData($('filters'));
  const params = new URLSearchParams({ limit: '20' });
  for (const name of ['q', 'status', 'priority', 'queue_id', 'sla_state']) if (form.get(name)) params.set(name, form.get(name));
  if (form.get('mine')) params.set('agent_id', String(state.me.id));
  return params;
}

/** Whether a ticket pushed over the socket belongs in the list as filtered (search text aside). */
function matchesFilters(ticket) {
  const params = filterQuery();
  // Search text and SLA state are the server's to judge: such a list takes no rows pushed live.
  if (params.get('q') || params.get('sla_state')) return false;
  if (params.get('status') && ticket.status !== params.get('status')) return false;
  if (params.get('priority') && ticket.priority !== params.get('priority')) return false;
  if (params.get('queue_id') && String(ticket.queue_id) !== params.get('queue_id')) return false;
  if (params.get('agent_id') && String(ticket.agent_id) !== params.get('agent_id')) return false;
  return true;
}

/** Bumped by each fresh load: the answer of a load that a newer one overtook is dropped. */
let listGeneration = 0;

async function loadTickets(fresh) {
  const params = filterQuery();
  if (!fresh && state.cursor) params.set('cursor', state.cursor);
  const generation = fresh ? ++listGeneration : listGeneration;
  $('tickets').setAttribute('aria-busy', 'true');
  const page = await api(`/tickets?${params}`).finally(() => {
    if (generation === listGeneration) $('tickets').setAttribute('aria-busy', 'false');
  });
  if (generation !== listGeneration) return;
  if (fresh) $('tickets').replaceChildren();
  for (const ticket of page.items) $('tickets').append(ticketRow(ticket));
  state.cursor = page.next_cursor;
  $('more').hidden = !page.next_cursor;
}

/** Said on a ticket opened in a chat without an account whose address is not proven (anyone may have typed it). */
const UNVERIFIED = 'Unverified visitor — e-mail not confirmed';
const unverified = (ticket) => ticket.visitor?.verified === false;

/** Who opened a visitor's ticket: the name given, and the address's own where it differs. */
function visitorText({ name, contact_name: contactName, verified }) {
  const who = name === contactName ? name : `${name} (gave this name; the address belongs to ${contactName})`;
  return verified ? `Opened in a chat without an account by ${who}; the e-mail address has been confirmed since.` : `${UNVERIFIED}: ${who}. Do not share account details.`;
}

function ticketRow(ticket) {
  const button = el(
    'button',
    { type: 'button', className: 'ticket-link' },
    el('span', { className: 'title', textContent: `#${ticket.id} ${ticket.title}` }),
    ' ',
    el('span', { className: `badge status-${ticket.status}`, textContent: ticket.status }),
    ' ',
    el('span', { className: `badge priority-${ticket.priority}`, textContent: ticket.priority }),
    unverified(ticket) ? el('span', { className: 'badge unverified', textContent: UNVERIFIED }) : null,
  );
  button.addEventListener('click', () => openTicket(ticket.id).catch(showError));
  const row = el('li', { id: `ticket-${ticket.id}` }, button);
  row.dataset.ticketId = ticket.id;
  return row;
}

function upsertRow(ticket, { prepend = false } = {}) {
  const old = $(`ticket-${ticket.id}`);
  if (old) old.replaceWith(ticketRow(ticket));
  else if (prepend && matchesFilters(ticket)) $('tickets').prepend(ticketRow(ticket));
}

let filterTimer = 0;
$('filters').addEventListener('input', () => {
  // Busy from the first keystroke: the list on screen is not the one asked for until the reload is in.
  $('tickets').setAttribute('aria-busy', 'true');
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => void loadTickets(true), 250);
});
$('filters').addEventListener('submit', (event) => {
  event.preventDefault();
  void loadTickets(true);
});
$('more').addEventListener('click', () => void loadTickets(false));

// ---- live updates ------------------------------------------------------------------------------

function connect() {
  const socket = window.io('/support', { auth: { token: state.token } });
  state.socket = socket;
  socket.on('connect', () => {
    $('connection').textContent = 'Online';
    loadOnlineAgents().catch(() => {});
    // After a drop: join the open ticket again and take what was missed.
    if (state.ticket) join(state.ticket.id, state.lastMessageId).catch(showError);
  });
  socket.on('disconnect', (reason) => {
    $('connection').textContent = 'Reconnecting…';
    // Ended by the server (logout elsewhere, a new password, the token's expiry): Socket.IO does not
    // retry that on its own; one more try says why (connect_error).
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (error) => ($('connection').textContent = `Offline (${error.message})`));
  socket.on('agent:presence', applyPresence);
  socket.on('ticket:created', (ticket) => {
    upsertRow(ticket, { prepend: true });
    announce(`New ticket #${ticket.id}: ${ticket.title}`);
  });
  socket.on('ticket:updated', (ticket) => {
    upsertRow(ticket);
    if (state.ticket?.id === ticket.id) showTicket(ticket);
  });
  socket.on('ticket:assigned', (ticket) => {
    upsertRow(ticket, { prepend: true });
    announce(`Ticket #${ticket.id} was assigned to you`);
  });
  for (const kind of ['sla:warning', 'sla:breached']) {
    socket.on(kind, (event) => {
      $(`ticket-${event.ticket_id}`)?.classList.add(kind === 'sla:breached' ? 'breached' : 'warning');
      announce(`Ticket #${event.ticket_id}: ${event.kind.toUpperCase()} ${kind === 'sla:breached' ? 'breached' : `due in ${event.minutes_left} min`}`);
    });
  }
  socket.on('message:new', (message) => {
    if (state.ticket?.id !== message.ticket_id) return;
    addEntry(message, 'm');
    // A file is uploaded before the message that tells of it: the list is current by now. A mail's
    // files come with its message (no attachment:new): read them too.
    if (message.author_id !== state.me.id) Promise.all([loadFiles(), loadMessageFiles()]).catch(showError);
  });
  socket.on('attachment:new', ({ ticket_id, attachment }) => {
    if (state.ticket?.id !== ticket_id) return;
    if (attachment.message_id !== null) showMessageFile(attachment);
    else loadFiles().catch(showError);
  });
  socket.on('typing', (event) => {
    if (state.ticket?.id !== event.ticket_id || event.user_id === state.me.id) return;
    $('typing').textContent = 'The customer is typing…';
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(() => ($('typing').textContent = ''), TYPING_SHOWN_MS);
  });
}

function announce(text) {
  $('alerts').textContent = text;
}

/** Socket.IO call with the contract's acknowledgement: resolves the payload or throws its error. */
function emit(event, payload) {
  return new Promise((resolve, reject) =>
    state.socket.emit(event, payload, (ack) => (ack.ok ? resolve(ack) : reject(new Error(errorText(ack.error))))),
  );
}

// ---- one ticket --------------------------------------------------------------------------------

async function openTicket(id) {
  const ticket = await api(`/tickets/${id}`);
  state.ticket = ticket;
  state.shown.clear();
  state.shownFiles.clear();
  state.pendingFiles.clear();
  state.lastMessageId = 0;
  $('thread').replaceChildren();
  $('ticket').hidden = false;
  $('ticket-error').textContent = '';
  showTicket(ticket);
  $('thread').append(el('li', { className: 'entry description' }, el('p', { textContent: ticket.description })));
  const notes = await api(`/tickets/${id}/notes?limit=100`);
  await join(id, undefined);
  for (const note of notes.items) addEntry(note, 'n');
  await Promise.all([loadFiles(), loadMessageFiles(), loadArticles()]);
  $('reply').focus();
}

async function join(id, since) {
  const payload = since ? { ticket_id: id, since_message_id: since } : { ticket_id: id };
  const ack = await emit('ticket:join', payload);
  for (const message of ack.messages) addEntry(message, 'm');
}

function showTicket(ticket) {
  state.ticket = ticket;
  $('ticket-title').textContent = `#${ticket.id} ${ticket.title}`;
  $('ticket-status').value = ticket.status;
  $('ticket-priority').value = ticket.priority;
  $('ticket-agent').textContent = !ticket.agent_id ? 'Unassigned' : ticket.agent_id === state.me.id ? 'Assigned to you' : `Assigned to agent #${ticket.agent_id}`;
  $('ticket-visitor').hidden = !ticket.visitor;
  $('ticket-visitor').className = unverified(ticket) ? 'unverified' : '';
  $('ticket-visitor').textContent = ticket.visitor ? visitorText(ticket.visitor) : '';
  showClocks();
}

const CLOCK_NAMES = { frt: 'First response', ttr: 'Resolution' };

/** The SLA clocks of the open ticket: time left (or over) against each deadline, redrawn every 30 s. */
function showClocks() {
  const ticket = state.ticket;
  if (!ticket) return;
  $('sla').textContent = ['frt', 'ttr']
    .map((kind) => {
      const clock = ticket.sla[kind];
      if (clock.state === 'met' || clock.state === 'paused') return `${CLOCK_NAMES[kind]}: ${clock.state}`;
      const minutes = Math.round((new Date(clock.deadline).getTime() - Date.now()) / 60_000);
      const span = Math.abs(minutes) < 60 ? `${Math.abs(minutes)} min` : `${(Math.abs(minutes) / 60).toFixed(1)} h`;
      return `${CLOCK_NAMES[kind]}: ${minutes >= 0 ? `due in ${span}` : `${span} overdue`}`;
    })
    .join(' · ');
}
setInterval(showClocks, 30_000);

/** A message (`m`) or internal note (`n`) in the thread, in time order, once. */
function addEntry(entry, kind) {
  const key = `${kind}${entry.id}`;
  if (state.shown.has(key)) return;
  state.shown.add(key);
  if (kind === 'm') state.lastMessageId = Math.max(state.lastMessageId, entry.id);
  const note = kind === 'n';
  const item = el(
    'li',
    { className: `entry ${note ? 'note' : `from-${entry.author_type}`}` },
    el('div', { className: 'who', textContent: `${note ? 'Internal note · ' : ''}${entry.author_name ?? entry.author_type} · ${time(entry.created_at)}` }),
    el('p', { className: 'content', textContent: entry.content }),
  );
  item.dataset.createdAt = entry.created_at;
  if (!note) {
    item.id = `m-${entry.id}`;
    item.append(el('ul', { className: 'entry-files', ariaLabel: 'Files of this message', hidden: true }));
  }
  const later = [...$('thread').children].find((li) => li.dataset.createdAt && li.dataset.createdAt > entry.created_at);
  $('thread').insertBefore(item, later ?? null);
  if (!note) for (const file of state.pendingFiles.get(entry.id) ?? []) showMessageFile(file);
  state.pendingFiles.delete(entry.id);
}

/** The files on the open ticket's messages (e-mail attachments, the widget's uploads), each under its message. */
async function loadMessageFiles() {
  let cursor = null;
  do {
    const page = await api(`/attachments/ticket/${state.ticket.id}/messages?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    for (const file of page.items) showMessageFile(file);
    cursor = page.next_cursor;
  } while (cursor);
}

/** A download under the message the file belongs to (kept until that message is on screen), once. */
function showMessageFile(file) {
  if (state.shownFiles.has(file.id)) return;
  const list = $(`m-${file.message_id}`)?.querySelector('.entry-files');
  if (!list) {
    state.pendingFiles.set(file.message_id, [...(state.pendingFiles.get(file.message_id) ?? []), file]);
    return;
  }
  state.shownFiles.add(file.id);
  const button = el('button', { type: 'button', className: 'link', textContent: `Download ${file.filename}` });
  button.addEventListener('click', () => void download(file));
  list.append(el('li', {}, button, el('span', { textContent: ` ${file.size} bytes` })));
  list.hidden = false;
}

async function loadFiles() {
  const files = await api(`/attachments/ticket/${state.ticket.id}?limit=100`);
  $('files').replaceChildren(
    ...files.items.map((file) => {
      const button = el('button', { type: 'button', textContent: `Download ${file.filename}` });
      button.addEventListener('click', () => void download(file));
      return el('li', {}, button, el('span', { textContent: ` ${file.size} bytes` }));
    }),
  );
}

async function download(file) {
  const res = await fetch(`/api/v1/attachments/${file.id}/content`, { headers: { Authorization: `Bearer ${state.token}` } });
  if (!res.ok) return showError(new Error(`Download failed (HTTP ${res.status})`));
  const link = el('a', { href: URL.createObjectURL(await res.blob()), download: file.filename });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 0);
}

async function loadArticles() {
  const articles = await api(`/articles/suggest?ticket_id=${state.ticket.id}`);
  $('articles').replaceChildren(...articles.items.map((a) => el('li', { textContent: a.title })));
}

function showError(error) {
  $('ticket-error').textContent = error.message;
}

$('upload').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const form = new FormData();
  form.append('file', file);
  try {
    $('ticket-error').textContent = '';
    // The file first (a refused one leaves no message), for the message that tells of it: until that
    // message takes it under itself, it is nobody's but ours, and a send that fails takes it back.
    const uploaded = await api(`/tickets/${state.ticket.id}/attachments?for=message`, { method: 'POST', form });
    const ack = await emit('message:send', { ticket_id: state.ticket.id, content: `Sent a file: ${file.name}`, client_msg_id: crypto.randomUUID(), attachment_ids: [uploaded.id] }).catch(
      async (error) => {
        await api(`/attachments/${uploaded.id}`, { method: 'DELETE' }).catch(() => {}); // else the server removes it in time
        throw error;
      },
    );
    addEntry(ack.message, 'm');
    await loadMessageFiles();
  } catch (error) {
    showError(error);
  } finally {
    event.target.value = '';
  }
});

$('reply-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const content = $('reply').value.trim();
  if (!content) return;
  try {
    const ack = await emit('message:send', { ticket_id: state.ticket.id, content, client_msg_id: crypto.randomUUID() });
    addEntry(ack.message, 'm');
    $('reply').value = '';
  } catch (error) {
    showError(error);
  }
});

$('add-note').addEventListener('click', async () => {
  const content = $('reply').value.trim();
  if (!content) return;
  try {
    addEntry(await api(`/tickets/${state.ticket.id}/notes`, { method: 'POST', body: { content } }), 'n');
    $('reply').value = '';
  } catch (error) {
    showError(error);
  }
});

$('reply').addEventListener('input', () => {
  if (!state.ticket || Date.now() - state.typingSentAt < TYPING_SENT_EVERY_MS) return;
  state.typingSentAt = Date.now();
  state.socket.emit('typing', { ticket_id: state.ticket.id }, () => {});
});

async function patchTicket(body) {
  try {
    showTicket(await api(`/tickets/${state.ticket.id}`, { method: 'PATCH', body }));
  } catch (error) {
    showError(error);
    showTicket(state.ticket);
  }
}
$('ticket-status').addEventListener('change', (event) => void patchTicket({ status: event.target.value }));
$('ticket-priority').addEventListener('change', (event) => void patchTicket({ priority: event.target.value }));
$('assign-me').addEventListener('click', async () => {
  try {
    showTicket(await api(`/tickets/${state.ticket.id}/assign`, { method: 'POST', body: { agent_id: state.me.id } }));
  } catch (error) {
    showError(error);
  }
});

$('canned').addEventListener('change', async (event) => {
  const id = event.target.value;
  if (!id) return;
  try {
    const { content } = await api(`/canned-responses/${id}/render`, { method: 'POST', body: { ticket_id: state.ticket.id } });
    $('reply').value = $('reply').value ? `${$('reply').value}\n${content}` : content;
    $('reply').focus();
  } catch (error) {
    showError(error);
  } finally {
    event.target.value = '';
  }
});

/** The suggested reply, streamed (Server-Sent Events over fetch, so the bearer token goes along) into the reply box. */
$('suggest').addEventListener('click', async () => {
  $('suggest').disabled = true;
  try {
    await streamSuggestion();
  } catch (error) {
    showError(error);
  } finally {
    $('suggest').disabled = false;
  }
  $('reply').focus();
});

async function streamSuggestion() {
  const res = await fetch(`/api/v1/tickets/${state.ticket.id}/ai-response`, { headers: { Authorization: `Bearer ${state.token}` } });
  if (!res.ok) return showError(new Error((await res.json().catch(() => ({}))).message || `HTTP ${res.status}`));
  $('reply').value = '';
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (!data) continue;
      const parsed = JSON.parse(data);
      if (event === 'token') $('reply').value += parsed.text;
      else if (event === 'error') showError(new Error(parsed.message));
    }
  }
}

// ---- reports (GET /tickets/stats) ---------------------------------------------------------------

const day = (date) => date.toISOString().slice(0, 10);
const duration = (seconds) =>
  seconds === null ? '—' : seconds < 3600 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`;
const percent = (rate) => (rate === null ? '—' : `${Math.round(rate * 100)} %`);

/** A titled list of labelled bars (<meter>: accessible, and no inline style for the CSP to refuse). */
function chart(title, rows, max = Math.max(1, ...rows.map((r) => r.value))) {
  return el(
    'section',
    { className: 'chart', ariaLabel: title },
    el('h3', { textContent: title }),
    el(
      'dl',
      {},
      ...rows.flatMap((row) => [
        el('dt', { textContent: row.label }),
        el('dd', {}, el('meter', { min: 0, max, value: row.value, title: row.text ?? String(row.value) }), el('span', { textContent: ` ${row.text ?? row.value}` })),
      ]),
    ),
  );
}

function figures(items) {
  return el('dl', { className: 'figures' }, ...items.flatMap(([label, value]) => [el('dt', { textContent: label }), el('dd', { textContent: value })]));
}

const slaRows = (rows, name) =>
  rows.map((r) => ({ label: `${name(r)}: first response / resolution in time`, value: r.frt_met_rate ?? 0, text: `${percent(r.frt_met_rate)} / ${percent(r.ttr_met_rate)}` }));

async function loadReport() {
  const form = new FormData($('period'));
  const from = new Date(`${form.get('from')}T00:00:00Z`);
  const to = new Date(`${form.get('to')}T00:00:00Z`);
  to.setUTCDate(to.getUTCDate() + 1);
  $('reports-error').textContent = '';
  try {
    const stats = await api(`/tickets/stats?${new URLSearchParams({ from: from.toISOString(), to: to.toISOString() })}`);
    const queueName = (r) => r.name ?? 'No queue';
    const agentName = (r) => r.name ?? 'Unassigned';
    $('report').replaceChildren(
      figures([
        ['Median first response', duration(stats.median_first_response_seconds)],
        ['Median resolution', duration(stats.median_resolution_seconds)],
        ['First responses in time', percent(stats.sla.overall.frt_met_rate)],
        ['Resolutions in time', percent(stats.sla.overall.ttr_met_rate)],
        ['SLA breached (first response / resolution)', `${stats.sla.overall.frt_breached} / ${stats.sla.overall.ttr_breached}`],
        ['CSAT (average of 5)', stats.csat.average === null ? '—' : String(stats.csat.average)],
        ['Ratings / resolutions', `${stats.csat.responses} / ${stats.csat.resolved}`],
      ]),
      chart('Tickets by status', Object.entries(stats.by_status).map(([label, value]) => ({ label, value }))),
      chart('Active tickets by priority', Object.entries(stats.by_priority).map(([label, value]) => ({ label, value }))),
      chart('Active tickets by queue', stats.by_queue.map((r) => ({ label: queueName(r), value: r.count }))),
      chart('SLA by queue', slaRows(stats.sla.by_queue, queueName), 1),
      chart('SLA by agent', slaRows(stats.sla.by_agent, agentName), 1),
      chart('CSAT by agent', stats.csat.by_agent.map((r) => ({ label: agentName(r), value: r.average ?? 0, text: `${r.average ?? '—'} (${r.responses} ratings)` })), 5),
      chart('CSAT by queue', stats.csat.by_queue.map((r) => ({ label: queueName(r), value: r.average ?? 0, text: `${r.average ?? '—'} (${r.responses} ratings)` })), 5),
    );
  } catch (error) {
    $('reports-error').textContent = error.message;
  }
}

function showReports(show) {
  $('reports').hidden = !show;
  $('desk').hidden = show;
  if (!show) return;
  const period = $('period');
  if (!period.elements.from.value) {
    const now = new Date();
    period.elements.to.value = day(now);
    period.elements.from.value = day(new Date(now.getTime() - 30 * 86_400_000));
  }
  void loadReport();
  $('reports-title').focus();
}
$('show-reports').addEventListener('click', () => showReports(true));
$('show-tickets').addEventListener('click', () => showReports(false));
$('period').addEventListener('submit', (event) => {
  event.preventDefault();
  void loadReport();
});

// A token kept for this tab: straight to work.
if (state.token) {
  start().catch(() => {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
  });
}
