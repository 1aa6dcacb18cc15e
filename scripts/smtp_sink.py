#!/usr/bin/env python3
"""A small SMTP server that keeps what it receives, for scripts/faults.

Python 3.12 has no smtpd module any more; this is just enough SMTP (RFC 5321)
for Django's SMTP backend and any other plain client: EHLO/HELO, MAIL, RCPT,
DATA, RSET, NOOP, VRFY, QUIT (no TLS, no AUTH). Each message it accepts is
one JSON line in --out: when, from, to, Message-ID, subject, size. A message
counts as delivered only once the server has answered 250 to its DATA, as a
real mail server: if the client goes away before that, it is logged as
aborted and not stored.

It can be told to misbehave, to test the sender:

- refuse: while the file CONTROL_DIR/refuse exists, MAIL FROM is answered
  "451 4.3.0 ..." (try again later). If the file holds a number, it is the
  UNIX time the refusal ends at (the file may stay). SIGUSR1 refuses for
  --refuse-seconds, SIGUSR2 stops refusing.
- stall: while CONTROL_DIR/stall exists, the answer to the end of DATA is held
  back: the client waits in the middle of sending, until the file goes or the
  client disconnects (then the message is aborted, not stored). While a
  message is held, CONTROL_DIR/held holds its Message-ID.

    python scripts/smtp_sink.py --port 2525 --out /tmp/mail.jsonl --control-dir /tmp/sinkctl
"""

import argparse
import asyncio
import json
import logging
import signal
import time
from email.parser import BytesHeaderParser
from pathlib import Path

logger = logging.getLogger("smtp_sink")

MAX_LINE = 64 * 1024
MAX_MESSAGE = 10 * 1024 * 1024


class Sink:
    def __init__(self, out: Path, control_dir: Path, refuse_seconds: float, hostname: str):
        self.out = out
        self.control_dir = control_dir
        self.refuse_seconds = refuse_seconds
        self.hostname = hostname
        self.signal_refuse_until = 0.0
        self.out_file = out.open("a", buffering=1, encoding="utf-8")
        self.counts = {"accepted": 0, "refused": 0, "aborted": 0, "connections": 0}

    # --- control ---------------------------------------------------------------
    def refusing(self) -> bool:
        now = time.time()
        if now < self.signal_refuse_until:
            return True
        path = self.control_dir / "refuse"
        try:
            content = path.read_text().strip()
        except FileNotFoundError:
            return False
        except OSError:
            return True
        if not content:
            return True
        try:
            return now < float(content)
        except ValueError:
            return True

    def stalling(self) -> bool:
        return (self.control_dir / "stall").exists()

    def refuse_by_signal(self):
        self.signal_refuse_until = time.time() + self.refuse_seconds
        logger.warning("SIGUSR1: refusing mail for %.0f s", self.refuse_seconds)

    def accept_by_signal(self):
        self.signal_refuse_until = 0.0
        logger.warning("SIGUSR2: accepting mail again")

    # --- storage ---------------------------------------------------------------
    def store(self, peer, mail_from, rcpt_to, data: bytes):
        headers = BytesHeaderParser().parsebytes(data)
        record = {
            "time": time.time(),
            "message_id": (headers.get("Message-ID") or "").strip(),
            "from": mail_from,
            "to": rcpt_to,
            "subject": str(headers.get("Subject") or ""),
            "size": len(data),
            "peer": peer,
        }
        self.out_file.write(json.dumps(record) + "\n")
        self.counts["accepted"] += 1
        return record

    # --- one connection ----------------------------------------------------------
    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        host, port = writer.get_extra_info("peername")[:2]
        peer = f"{host}:{port}"
        self.counts["connections"] += 1

        async def reply(line: str):
            writer.write((line + "\r\n").encode())
            await writer.drain()

        mail_from, rcpt_to = None, []
        try:
            await reply(f"220 {self.hostname} ESMTP smtp_sink ready")
            while True:
                raw = await reader.readline()
                if not raw:
                    return
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                verb, _, argument = line.partition(" ")
                verb = verb.upper()
                if verb == "EHLO":
                    mail_from, rcpt_to = None, []
                    await reply(f"250-{self.hostname} greets {argument or 'you'}")
                    await reply("250-8BITMIME")
                    await reply(f"250-SIZE {MAX_MESSAGE}")
                    await reply("250 SMTPUTF8")
                elif verb == "HELO":
                    mail_from, rcpt_to = None, []
                    await reply(f"250 {self.hostname}")
                elif verb == "MAIL":
                    if not argument.upper().startswith("FROM:"):
                        await reply("501 5.5.4 Syntax: MAIL FROM:<address>")
                    elif self.refusing():
                        self.counts["refused"] += 1
                        await reply("451 4.3.0 Mail server temporarily refusing mail, try later")
                    else:
                        mail_from, rcpt_to = _address(argument[5:]), []
                        await reply("250 2.1.0 OK")
                elif verb == "RCPT":
                    if mail_from is None:
                        await reply("503 5.5.1 MAIL first")
                    elif not argument.upper().startswith("TO:"):
                        await reply("501 5.5.4 Syntax: RCPT TO:<address>")
                    else:
                        rcpt_to.append(_address(argument[3:]))
                        await reply("250 2.1.5 OK")
                elif verb == "DATA":
                    if mail_from is None or not rcpt_to:
                        await reply("503 5.5.1 MAIL and RCPT first")
                        continue
                    await reply("354 End data with <CR><LF>.<CR><LF>")
                    data = await self.read_data(reader)
                    if data is None:
                        await reply("552 5.3.4 Message too big")
                    elif self.stalling() and not await self.hold(reader, data, peer):
                        self.counts["aborted"] += 1
                        logger.warning("client %s left during DATA: message aborted", peer)
                        return
                    else:
                        record = self.store(peer, mail_from, rcpt_to, data)
                        await reply(f"250 2.0.0 OK queued as {record['message_id']}")
                    mail_from, rcpt_to = None, []
                elif verb == "RSET":
                    mail_from, rcpt_to = None, []
                    await reply("250 2.0.0 OK")
                elif verb == "NOOP":
                    await reply("250 2.0.0 OK")
                elif verb == "VRFY":
                    await reply("252 2.1.5 Cannot verify, but will accept")
                elif verb == "QUIT":
                    await reply("221 2.0.0 Bye")
                    return
                else:
                    await reply("502 5.5.2 Command not recognized")
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            return
        finally:
            writer.close()

    async def read_data(self, reader):
        chunks, size = [], 0
        while True:
            raw = await reader.readline()
            if not raw:
                raise ConnectionError("EOF in DATA")
            if raw in (b".\r\n", b".\n"):
                break
            if raw.startswith(b".."):
                raw = raw[1:]  # dot-stuffing
            size += len(raw)
            if size <= MAX_MESSAGE:
                chunks.append(raw)
        return b"".join(chunks) if size <= MAX_MESSAGE else None

    async def hold(self, reader, data, peer) -> bool:
        """Hold the reply while stalling; False if the client went away meanwhile."""
        message_id = (BytesHeaderParser().parsebytes(data).get("Message-ID") or "").strip()
        held = self.control_dir / "held"
        held.write_text(message_id + "\n")
        logger.warning("holding the reply to %s from %s (stall)", message_id, peer)
        try:
            while self.stalling():
                try:
                    chunk = await asyncio.wait_for(reader.read(1), timeout=0.2)
                except TimeoutError:
                    continue
                if not chunk:
                    return False  # EOF: the client is gone
            return True
        finally:
            held.unlink(missing_ok=True)


def _address(text: str) -> str:
    text = text.strip()
    if text.startswith("<"):
        return text[1 : text.find(">")] if ">" in text else text[1:]
    return text.split(" ", 1)[0]


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--out", type=Path, required=True, help="JSON lines, one per message")
    parser.add_argument("--control-dir", type=Path, required=True)
    parser.add_argument("--refuse-seconds", type=float, default=60.0)
    parser.add_argument("--hostname", default="smtp-sink.localhost")
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s smtp_sink %(levelname)s %(message)s"
    )
    args.control_dir.mkdir(parents=True, exist_ok=True)
    sink = Sink(args.out, args.control_dir, args.refuse_seconds, args.hostname)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGUSR1, sink.refuse_by_signal)
    loop.add_signal_handler(signal.SIGUSR2, sink.accept_by_signal)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    server = await asyncio.start_server(sink.handle, args.host, args.port, limit=MAX_LINE)
    logger.info("listening on %s:%d, writing %s", args.host, args.port, args.out)
    async with server:
        await stop.wait()
    logger.info("stopping: %s", json.dumps(sink.counts))


if __name__ == "__main__":
    asyncio.run(main())
