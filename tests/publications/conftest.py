# The same cast as the municipalities tests: one circle, one person per role, an outsider.
from tests.municipalities.conftest import as_role, world  # noqa: F401
