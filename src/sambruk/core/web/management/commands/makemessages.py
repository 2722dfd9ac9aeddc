"""``makemessages`` that also extracts ``N_("...")``.

Django's xgettext call knows ``gettext_noop`` but not the conventional alias ``N_`` (used for
texts that are translated later, e.g. the line labels of ekbist/norm.py); without this the
strings never reach the catalogues and stay Swedish in the English UI.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
