"""Errors that carry a Chinese message meant for the user."""
import errno as _errno


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


_OS_ERRORS = {
    _errno.ENOENT: "文件或文件夹不存在",
    _errno.EACCES: "没有访问权限",
    _errno.EPERM: "操作不被允许（没有权限）",
    _errno.ENOSPC: "磁盘空间已满",
    _errno.EROFS: "磁盘或U盘是只读的",
    _errno.EISDIR: "这是一个文件夹，不是文件",
    _errno.ENOTDIR: "路径中有一部分不是文件夹",
    _errno.ENAMETOOLONG: "文件名或路径过长",
    _errno.EIO: "读写磁盘出错（U盘可能已拔出或损坏）",
    _errno.EBUSY: "文件正被其他程序使用",
    _errno.EEXIST: "文件已存在",
    _errno.EINVAL: "文件名无效",
}


def os_error_text(exc: BaseException) -> str:
    """A Chinese description of an OSError for the user (the system's English text goes to the log only)."""
    code = getattr(exc, "errno", None)
    if code in _OS_ERRORS:
        return _OS_ERRORS[code]
    if getattr(exc, "winerror", None) == 32:   # ERROR_SHARING_VIOLATION: open in Excel/WPS
        return "文件正被其他程序（如 Excel/WPS）打开，请关闭后重试"
    return "读写文件时出错"
