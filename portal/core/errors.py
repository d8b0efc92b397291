class DomainError(Exception):
    """A business rule refused an action. The message is for the user; ``field`` names the form
    field it belongs to, ``retry_after`` (seconds) tells when trying again can succeed."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message, *, code: str | None = None, field: str | None = None, retry_after: int | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field
        self.retry_after = retry_after


class RateLimited(DomainError):
    status_code = 429
    default_code = "rate_limited"
