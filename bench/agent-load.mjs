// Load for bench/agent-overhead.ts: holds `connections` TCP connections to a server in this same process
// (two sockets each) and exchanges a little data on them now and then. argv: connections port
/* global process, setInterval, setTimeout */
import { connect, createServer } from "node:net";

const [connections, port] = process.argv.slice(2).map(Number);
const sockets = [];
const server = createServer((socket) => {
  sockets.push(socket);
  socket.on("data", (data) => socket.write(data));
});
server.listen(port, "127.0.0.1", async () => {
  for (let i = 0; i < connections; i++) {
    const socket = connect(port, "127.0.0.1");
    socket.on("data", () => undefined);
    sockets.push(socket);
    if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  process.stdout.write("ready\n");
  setInterval(() => {
    for (let i = 0; i < sockets.length; i += 50) sockets[i].write("ping");
  }, 1000);
});
