"""Reads what smtp_sink.Sink saved in DIR with Python's standard email parser and prints one
JSON object a message, in the order received: the envelope, the headers the tests check, and
the body decoded from its transfer encoding.

    /usr/bin/python3 tests/cli/mail_read.py DIR
"""
import email
import email.policy
import glob
import json
import os
import sys


def main(folder):
    for path in sorted(glob.glob(os.path.join(folder, "*.eml"))):
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        with open(path[:-4] + ".json") as f:
            envelope = json.load(f)
        out = {
            "file": os.path.basename(path),
            "envelope_from": envelope["from"],
            "envelope_to": envelope["to"],
            "defects": [type(d).__name__ for d in msg.defects],
            "body": msg.get_content(),
        }
        for name in ("From", "To", "Reply-To", "Subject", "Date", "Message-ID", "MIME-Version",
                     "List-Unsubscribe", "List-Unsubscribe-Post",
                     "Content-Transfer-Encoding"):
            value = msg.get(name)
            out[name.lower().replace("-", "_")] = None if value is None else str(value)
        out["content_type"] = msg.get_content_type()
        out["charset"] = msg.get_content_charset()
        out["to_address"] = msg["To"].addresses[0].addr_spec if msg["To"] else None
        out["to_name"] = msg["To"].addresses[0].display_name if msg["To"] else None
        out["date_parsed"] = msg["Date"].datetime is not None if msg["Date"] else False
        print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
