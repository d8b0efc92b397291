"""Callbacks and context builders named by dotted path in the PDF tests, as a business app's
would be."""

from portal.accounts.models import User

DONE: list[tuple[int, int, dict]] = []


def remember(*, render, document, **kwargs) -> None:
    DONE.append((render.pk, document.pk, kwargs))


def applicant_context(*, user_id: int, plan_number: str) -> dict:
    user = User.objects.get(pk=user_id)
    return {"title": "供电方案答复单", "customer_name": user.name, "document_number": plan_number}


def broken_context(**kwargs) -> dict:
    raise RuntimeError("the order this PDF was for is gone")


def failing_callback(*, render, document, **kwargs) -> None:
    raise RuntimeError("the work order could not be updated")
