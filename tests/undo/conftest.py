"""The publish tests' fixtures (unique name prefix, clients per role), shared here."""

from tests.publish.conftest import make_client, prefix

__all__ = ["make_client", "prefix"]
