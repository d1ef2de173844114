"""Tests of owned VM session open, admission, ingress checks, close and transfer."""

from __future__ import annotations

import pytest

from aura_kit.ownership import ChoreographicRole, CompositionManifest, LinkBoundary, Scope
from aura_kit.ownership.manifest_parts import TheoremPack
from aura_kit.protocol import project_all
from aura_kit.protocol.types import Branch, Comm, End, Sort
from aura_kit.runtime import (
    EffectSystem,
    InvalidIngressRouting,
    Network,
    OwnerTransferError,
    RoundError,
    SessionStartError,
    SessionStartFailureReason,
    StepResultless,
) if False else None  # noqa: E501 - placeholder removed below
