// The baseline for bench/chat-load.js: a bare socket.io server on the same namespace and events,
// with no auth, no validation and no database write. It acks a send and broadcasts it to the room.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer((req, res) => {
  res.writeHead(req.url === '/health' ? 200 : 404).end();
});
const io = new Server(http, { path: '/socket.io', serveClient: false });
let nextId = 1;

io.of('/support').on('connection', (socket) => {
  socket.on('ticket:join', async (payload, ack) => {
    await socket.join(`ticket:${payload.ticket_id}`);
    ack({ ok: true, messages: [] });
  });
  socket.on('message:send', (payload, ack) => {
    const message = { id: nextId++, ticket_id: payload.ticket_id, content: payload.content, client_msg_id: payload.client_msg_id, created_at: new Date().toISOString() };
    ack({ ok: true, message });
    io.of('/support').to(`ticket:${payload.ticket_id}`).emit('message:new', message);
  });
});

http.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => io.close(() => process.exit(0)));
