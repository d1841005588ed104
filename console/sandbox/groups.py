"""Group state of the sandbox (placeholder until the group emulation lands)."""


class GroupState:
    def __init__(self, state):
        self.state = state

    def to_dict(self) -> dict:
        return {}

    def load(self, data: dict) -> None:
        pass

    def reset(self) -> None:
        pass
