"""The answer contract: what a suggestion and a forecast row are, and the limits around them.

One home for the shapes the models return and the service, the command line and the
audit log pass on. The HTTP schemas, the CLI output and the audit record are derived from
the types here; nothing else retypes a field or a limit.
"""

from __future__ import annotations

MAX_TEXT_CHARS = 2000  # the longest call description the service accepts (and training cuts to)
MAX_BATCH = 256  # texts per /classify request
MAX_HOURS = 168  # the longest forecast: one week of hours
