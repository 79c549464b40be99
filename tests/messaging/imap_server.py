"""A small IMAP4rev1 server on 127.0.0.1 for the poll-imap tests: one mailbox, plain LOGIN, and
the commands imaplib sends for SELECT, SEARCH UNSEEN, FETCH (BODY.PEEK[]), STORE +FLAGS \\Seen and
LOGOUT. Just enough of RFC 3501 for Python's imaplib, over a real socket."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Mailbox:
    user: str
    password: str
    messages: list[bytes] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)
    commands: list[str] = field(default_factory=list)


def handler_for(box: Mailbox) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def send(self, text: str | bytes) -> None:
            self.wfile.write(text.encode() if isinstance(text, str) else text)

        def handle(self) -> None:
            self.send("* OK IMAP4rev1 test server ready\r\n")
            while line := self.rfile.readline():
                tag, _sep, rest = line.decode().rstrip("\r\n").partition(" ")
                command, _sep, args = rest.partition(" ")
                command = command.upper()
                box.commands.append(command)
                if command == "CAPABILITY":
                    self.send(f"* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n")
                elif command == "LOGIN":
                    user, password = (part.strip('"') for part in args.split(" ", 1))
                    ok = (user, password) == (box.user, box.password)
                    self.send(f"{tag} OK logged in\r\n" if ok else f"{tag} NO wrong password\r\n")
                elif command == "SELECT":
                    self.send(f"* {len(box.messages)} EXISTS\r\n{tag} OK [READ-WRITE] done\r\n")
                elif command == "SEARCH":
                    unseen = [str(n) for n in range(1, len(box.messages) + 1) if n not in box.seen]
                    self.send(f"* SEARCH {' '.join(unseen)}\r\n{tag} OK done\r\n")
                elif command == "FETCH":
                    number = int(args.split(" ", 1)[0])
                    raw = box.messages[number - 1]
                    self.send(f"* {number} FETCH (BODY[] {{{len(raw)}}}\r\n".encode() + raw)
                    self.send(f")\r\n{tag} OK done\r\n")
                elif command == "STORE":
                    number = int(args.split(" ", 1)[0])
                    box.seen.add(number)
                    self.send(f"* {number} FETCH (FLAGS (\\Seen))\r\n{tag} OK done\r\n")
                elif command == "LOGOUT":
                    self.send(f"* BYE\r\n{tag} OK done\r\n")
                    return
                else:
                    self.send(f"{tag} BAD unknown command\r\n")

    return Handler


@contextmanager
def imap_server(box: Mailbox) -> Iterator[int]:
    """Serve `box` on a free port of 127.0.0.1; yields the port."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler_for(box))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
