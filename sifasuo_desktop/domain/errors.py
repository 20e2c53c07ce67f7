"""Errors that carry a Chinese message meant for the user."""


class UserError(Exception):
    """A problem the user can fix (bad input, missing folder...). The message is Chinese."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(UserError):
    """One or more field values were refused. `errors` maps field name -> Chinese message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        text = "；".join(f"{k}：{v}" for k, v in self.errors.items())
        super().__init__("数据校验未通过：" + text)


class PermissionDenied(UserError):
    """The acting account's role does not allow the action."""


class ConflictError(UserError):
    """The record changed since it was read (version mismatch)."""
