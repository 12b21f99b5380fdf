"""Great Expectations, imported so that it never phones home.

govwatch runs inside government networks that often have no internet at all, and a validation gate must
neither hang on nor leak anything to an outside service. Great Expectations has, across its releases,
sent anonymous usage events (controlled by ``GX_ANALYTICS_ENABLED``, read when the library and its data
context start) and asked PyPI for a newer version. So this module — the only place govwatch imports
GX from — puts ``GX_ANALYTICS_ENABLED=false`` into the environment *before* the import, every context is
created with ``analytics_enabled=False``, and the version checker's cache is primed with the installed
version so that it has no reason to make a request. Writing the variable is not reading configuration:
``govwatch.settings`` stays the only reader of ``os.environ``.
"""

from __future__ import annotations

import os

os.environ["GX_ANALYTICS_ENABLED"] = "false"

# The imports below must follow the environment change above.
import great_expectations as gx  # noqa: E402
import great_expectations.expectations as gxe  # noqa: E402
from great_expectations.core.run_identifier import RunIdentifier  # noqa: E402
from great_expectations.data_context.types.base import (  # noqa: E402
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.data_context.types.resource_identifiers import (  # noqa: E402
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)

try:  # present in some 1.x releases; absent in others
    from great_expectations.data_context._version_checker import _VersionChecker
    from packaging.version import Version

    _VersionChecker._LATEST_GX_VERSION_CACHE = Version(gx.__version__)
except ImportError:  # pragma: no cover - depends on the installed release
    pass

__all__ = [
    "DataContextConfig",
    "ExpectationSuiteIdentifier",
    "InMemoryStoreBackendDefaults",
    "ProgressBarsConfig",
    "RunIdentifier",
    "ValidationResultIdentifier",
    "gx",
    "gxe",
]
