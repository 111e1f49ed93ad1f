"""The publish tests' fixtures (unique name prefixes, clients per role), shared."""

from tests.publish.conftest import make_client, prefix

__all__ = ["make_client", "prefix"]
