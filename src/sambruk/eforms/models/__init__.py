"""E-service models, split by concept.

* :mod:`.definitions` — form definitions and their (immutable once published) versions.
* :mod:`.eservice` — the e-service: a published version plus its access point.
* :mod:`.submissions` — citizen submissions, files, signatures and signer invitations.
"""

from .definitions import (
    FormDefinition,
    FormVersion,
    FormVersionQuerySet,
    ImmutableVersionError,
    VersionStatus,
)
from .eservice import EService, Signing
from .submissions import (
    Signature,
    SignatureInvitation,
    SignatureMethod,
    SignerRole,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)

__all__ = [
    "EService",
    "FormDefinition",
    "FormVersion",
    "FormVersionQuerySet",
    "ImmutableVersionError",
    "Signature",
    "SignatureInvitation",
    "SignatureMethod",
    "SignerRole",
    "Signing",
    "Submission",
    "SubmissionFile",
    "SubmissionStatus",
    "VersionStatus",
]
