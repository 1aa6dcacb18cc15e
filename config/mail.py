"""E-mail on the console in development, readable as it is.

Django's console backend prints the raw MIME message: the text part in
quoted-printable, with long lines cut by "=" (a verification link comes out as
`confirm-emai=` / `l/Mw:...`, which cannot be clicked or copied). This one
prints the headers a person reads and the text part decoded, links whole.
Used only with DEBUG on and EMAIL_URL=consolemail:// (config.settings.base),
so `check --deploy` still refuses a console mailer in production.
"""

from django.core.mail.backends.console import EmailBackend

# Headers about the encoding of the raw message, not what a reader needs.
SKIPPED_HEADERS = {"content-type", "content-transfer-encoding", "mime-version"}


class ReadableConsoleBackend(EmailBackend):
    def write_message(self, message):
        mime = message.message()
        for name, value in mime.items():
            if name.lower() not in SKIPPED_HEADERS:
                self.stream.write(f"{name}: {value}\n")
        self.stream.write("\n")
        text = mime.get_body(preferencelist=("plain", "html"))
        if text is not None:
            content = text.get_content()
            self.stream.write(content if content.endswith("\n") else content + "\n")
        others = [
            part.get_content_type()
            for part in mime.walk()
            if not part.is_multipart() and part is not text
        ]
        if others:
            self.stream.write(f"\n[Also in this message, not shown: {', '.join(others)}]\n")
        self.stream.write("-" * 79 + "\n")
