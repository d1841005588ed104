"""Assertions the namespace tests share (import by name; tests/tim is on sys.path under pytest)."""
import pytest

from console.tim.errors import InvalidArgumentError, TimError


def refused_before_sending(tim, call) -> None:
    """`call(tim)` fails its argument checks: InvalidArgumentError, and nothing reaches the wire."""
    seen = []
    tim.add_observer(seen.append)
    with pytest.raises(InvalidArgumentError):
        call(tim)
    assert seen == []


def code_of(call) -> int:
    """The IM error code of a call that must fail."""
    with pytest.raises(TimError) as err:
        call()
    return err.value.code
