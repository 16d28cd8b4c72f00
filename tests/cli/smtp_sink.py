"""A mail server's handler for dropcat's tests, run by Debian's aiosmtpd:

    PYTHONPATH=tests/cli /usr/bin/python3 -m aiosmtpd -n -l 127.0.0.1:PORT \\
        -c smtp_sink.Sink DIR [DROP_AFTER|-] [HOLD_AT]

Each message is saved whole as DIR/NNNN.eml, its envelope (sender, recipients) in
DIR/NNNN.json. With DROP_AFTER=N the server keeps the first N messages as usual and, from the
N+1st on, saves the message and then closes the connection without answering the end of its
data: the client cannot know that the message arrived (an SMTP server that drops the
connection mid-batch). With HOLD_AT=N the Nth message is saved and its answer held for 30 s,
so that a test can kill the client while it waits (a crash after the hand-off).
"""
import asyncio
import json
import os


class Sink:
    def __init__(self, folder, drop_after=None, hold_at=None):
        self.folder = folder
        self.drop_after = drop_after
        self.hold_at = hold_at
        self.count = 0
        os.makedirs(folder, exist_ok=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if not args or len(args) > 3:
            parser.error("smtp_sink.Sink takes DIR [DROP_AFTER|-] [HOLD_AT]")
        drop = int(args[1]) if len(args) >= 2 and args[1] != "-" else None
        hold = int(args[2]) if len(args) == 3 else None
        return cls(args[0], drop, hold)

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = os.path.join(self.folder, f"{self.count:04d}")
        # Written whole under a temporary name first, so that a reader never sees half.
        with open(stem + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(stem + ".json.tmp", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, f)
        os.rename(stem + ".json.tmp", stem + ".json")
        os.rename(stem + ".eml.tmp", stem + ".eml")
        if self.hold_at == self.count:
            await asyncio.sleep(30)
        if self.drop_after is not None and self.count > self.drop_after:
            server.transport.close()
            return "421 closing"  # never reaches the client: the connection is gone
        return "250 OK"
